// Bulk-ingestion benchmark of submitInvestigationFindings (issues 4 and 14):
//   npx tsx bench/ingest.ts [--findings 10000] [--rounds 5] [--spread 500] [--indicators 1000]
// On DATABASE_URL or a throwaway embedded PostgreSQL. Two tenants of the same shape, run side by
// side in alternating rounds: one without indicators, one with `indicators` live indicators
// (SPEC §7.1) on sha256s of each round's batch (half BLOCK, half ALLOW), so every one of them is
// looked up and applied. Each submission is `findings` verdicts on new evidence spread over
// devices of every automation level (paths in OS, temp and other folders, registry keys,
// informational evidence; malicious, suspicious and clean), `spread` of them on a sha256 already
// seen on other devices (SPEC §3.3). The figure is the whole mutation as a client sees it:
// validation, the indicator read, the decision pass, every insert, audit and stream events,
// derived states, commit, and the simulated executor completing the automatic actions; beside it
// the CPU time of this process (the API side; PostgreSQL's own is not in it) and the SQL count.
import { randomBytes } from 'node:crypto';
import { createPrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createServices, systemActor } from '../src/services/index.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const FINDINGS = option('findings', 10_000);
const ROUNDS = option('rounds', 5);
const SPREAD = option('spread', 500);
const INDICATORS = option('indicators', 1_000);
const LEVELS = [
  'FULL',
  'SEMI_REQUIRE_APPROVAL_ANY',
  'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
] as const;
const VERDICTS = ['MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND'] as const;

type Prisma = ReturnType<typeof createPrismaClient>;
type Services = ReturnType<typeof createServices>;
interface Run {
  ms: number;
  cpuMs: number;
  statements: number;
  actions: number;
}

const database = await throwawayDatabase();
let statements = 0;
const prisma = createPrismaClient(database.adminUrl, { poolSize: 10, onQuery: () => statements++ });

/** A tenant with four groups (one per automated level) and 40 Windows devices. */
async function benchTenant(services: Services, tenant: string) {
  await services.ensureTenant(tenant);
  await prisma.deviceGroup.updateMany({
    where: { tenantId: tenant, isDefault: true },
    data: { rank: LEVELS.length + 1 },
  });
  const groups = [];
  for (const [i, level] of LEVELS.entries()) {
    groups.push(
      await prisma.deviceGroup.create({
        data: { tenantId: tenant, name: `Bench ${level}`, automationLevel: level, rank: i + 1 },
      }),
    );
  }
  const devices: { id: string }[] = [];
  for (let i = 0; i < 40; i++) {
    devices.push(
      await prisma.device.create({
        data: {
          tenantId: tenant,
          hostname: `bench-${i}`,
          osPlatform: 'WINDOWS',
          deviceGroupId: groups[i % groups.length]!.id,
        },
      }),
    );
  }
  const actor = { ...systemActor(tenant, 'bench-ingest'), roles: new Set(['ingest' as const]) };
  return { tenant, devices, actor };
}
type BenchTenant = Awaited<ReturnType<typeof benchTenant>>;

/** Files seen on other devices before (the spread finds them by sha256). */
async function seenElsewhere(db: Prisma, bench: BenchTenant, shared: readonly string[]) {
  const elsewhere = bench.devices.slice(20);
  for (let i = 0; i < shared.length; i += 250) {
    await db.evidence.createMany({
      data: shared.slice(i, i + 250).map((sha256, j) => ({
        tenantId: bench.tenant,
        deviceId: elsewhere[(i + j) % elsewhere.length]!.id,
        kind: 'FILE' as const,
        path: `D:\\seen\\${sha256.slice(0, 8)}.exe`,
        sha256,
        locationClasses: ['OTHER' as const],
      })),
    });
  }
}

const hex = () => randomBytes(32).toString('hex');

/** One finding of the mix: its evidence by `i % 5`, its verdict by `i % 3`. */
function finding(bench: BenchTenant, round: number, i: number, shared: readonly string[]) {
  const device = bench.devices[i % 20]!;
  const verdict = i < SPREAD ? 'MALICIOUS' : VERDICTS[i % VERDICTS.length]!;
  const name = `r${round}-${i}`;
  const sha256 = i < SPREAD ? shared[i] : null;
  const evidence = [
    { kind: 'FILE' as const, path: `C:\\Windows\\System32\\${name}.dll`, sha256: sha256 ?? hex() },
    { kind: 'FILE' as const, path: `C:\\Users\\u${i % 7}\\Downloads\\${name}.exe`, sha256 },
    { kind: 'PROCESS' as const, path: `D:\\apps\\${name}.exe`, processId: i, sha256 },
    { kind: 'REGISTRY_KEY' as const, registryKey: `HKLM\\Software\\Run\\${name}` },
    { kind: 'IP_ADDRESS' as const, value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  ][i % 5]!;
  return { deviceId: device.id, evidence, verdict };
}

/** The tenant's live indicators for this round: `count` sha256s of the batch, BLOCK and ALLOW in turn. */
async function replaceIndicators(
  bench: BenchTenant,
  findings: ReturnType<typeof finding>[],
  count: number,
) {
  await prisma.indicator.deleteMany({ where: { tenantId: bench.tenant } });
  const shas = [
    ...new Set(
      findings.flatMap((f) =>
        'sha256' in f.evidence && f.evidence.sha256 ? [f.evidence.sha256] : [],
      ),
    ),
  ];
  // Beyond the spread's files, so the spread is the same on both sides.
  const picked = shas.slice(SPREAD, SPREAD + count);
  if (picked.length < count)
    throw new Error(`only ${picked.length} sha256s for ${count} indicators`);
  await prisma.indicator.createMany({
    data: picked.map((sha256, i) => ({
      tenantId: bench.tenant,
      sha256,
      action: i % 2 === 0 ? ('BLOCK' as const) : ('ALLOW' as const),
      title: `bench ${i}`,
      createdBy: 'bench',
      expiresAt: new Date(Date.now() + 86_400_000),
    })),
  });
}

async function submitRound(
  services: Services,
  bench: BenchTenant,
  round: number,
  indicators: number,
): Promise<Run> {
  const alert = await services.reportAlert(bench.actor, {
    deviceId: bench.devices[round % 20]!.id,
    title: `Bench run ${round}`,
    severity: 'HIGH',
    evidence: [],
  });
  const shared = Array.from({ length: SPREAD }, hex);
  await seenElsewhere(prisma, bench, shared);
  const findings = Array.from({ length: FINDINGS }, (_, i) => finding(bench, round, i, shared));
  if (indicators > 0) await replaceIndicators(bench, findings, indicators);
  statements = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await services.submitInvestigationFindings(bench.actor, {
    investigationId: alert.investigationId!,
    findings,
    complete: true,
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    statements,
    actions: result.actionIds.length,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const summary = (label: string, runs: Run[]) => {
  const ms = median(runs.map((r) => r.ms));
  const cpu = median(runs.map((r) => r.cpuMs));
  return {
    ms,
    cpu,
    line: `${label}: median ${ms.toFixed(0)} ms (${Math.round((FINDINGS / ms) * 1000)} findings/s), API CPU ${cpu.toFixed(0)} ms (${((cpu / FINDINGS) * 1000).toFixed(1)} µs/finding), ${median(runs.map((r) => r.actions))} actions, ${median(runs.map((r) => r.statements))} SQL statements`,
  };
};

try {
  await applyMigrations(database.migrationUrl);
  const services = createServices(prisma, { onError: (error) => console.error(error) });
  const plain = await benchTenant(services, 'bench-ingest');
  const indicated = await benchTenant(services, 'bench-ingest-indicators');
  // One uncounted round per side first: the JIT and the pool warm up on neither side's figures.
  await submitRound(services, plain, ROUNDS, 0);
  await submitRound(services, indicated, ROUNDS, INDICATORS);
  const without: Run[] = [];
  const withIndicators: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating sides, the order swapped each round, so drift on a busy machine hits both.
    const sides = [
      async () => without.push(await submitRound(services, plain, round, 0)),
      async () => withIndicators.push(await submitRound(services, indicated, round, INDICATORS)),
    ];
    for (const side of round % 2 === 0 ? sides : sides.reverse()) await side();
    const a = without.at(-1)!;
    const b = withIndicators.at(-1)!;
    console.log(
      `round ${round + 1}: 0 indicators ${a.ms.toFixed(0)} ms (CPU ${a.cpuMs.toFixed(0)} ms), ${INDICATORS} indicators ${b.ms.toFixed(0)} ms (CPU ${b.cpuMs.toFixed(0)} ms)`,
    );
  }
  const a = summary(`\n${FINDINGS} findings, 0 indicators`, without);
  const b = summary(`${FINDINGS} findings, ${INDICATORS} live indicators`, withIndicators);
  console.log(a.line);
  console.log(b.line);
  // Paired by round (the two sides ran back to back): steadier than two medians on a busy machine.
  const paired = (pick: (run: Run) => number) =>
    median(without.map((run, i) => pick(withIndicators[i]!) / pick(run)));
  console.log(
    `with / without indicators: wall ${((b.ms / a.ms - 1) * 100).toFixed(1)} %, API CPU ${((b.cpu / a.cpu - 1) * 100).toFixed(1)} % (medians of ${ROUNDS} rounds); ` +
      `median of per-round ratios: wall ${((paired((r) => r.ms) - 1) * 100).toFixed(1)} %, API CPU ${((paired((r) => r.cpuMs) - 1) * 100).toFixed(1)} %`,
  );
} finally {
  await prisma.$disconnect();
  await database.stop();
}
