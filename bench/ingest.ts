// Bulk-ingestion benchmark of submitInvestigationFindings (issue 4):
//   npx tsx bench/ingest.ts [--findings 10000] [--runs 3] [--spread 500] [--rls off]
// On DATABASE_URL or a throwaway embedded PostgreSQL. Each run submits `findings` verdicts on new
// evidence spread over devices of every automation level (paths in OS, temp and other folders,
// registry keys, informational evidence; malicious, suspicious and clean), `spread` of them on a
// sha256 already seen on other devices (SPEC §3.3). The figure is the whole mutation as a client
// sees it: validation, the decision pass, every insert, audit and stream events, derived states,
// commit, and the simulated executor completing the automatic actions. It also counts the SQL
// statements sent: they must not grow with the number of findings.
import { randomBytes } from 'node:crypto';
import { createPrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createServices, systemActor } from '../src/services/index.js';
import { servingUrl, throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const FINDINGS = option('findings', 10_000);
const RUNS = option('runs', 3);
const SPREAD = option('spread', 500);
const TENANT = 'bench-ingest';
const LEVELS = [
  'FULL',
  'SEMI_REQUIRE_APPROVAL_ANY',
  'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
] as const;
const VERDICTS = ['MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND'] as const;

const database = await throwawayDatabase();
const serving = servingUrl(database);
let statements = 0;
// Fixtures go in as the superuser; the services serve as the app role (row-level security) unless --rls off.
const prisma = createPrismaClient(database.adminUrl);
const servicesPrisma = createPrismaClient(serving.url, {
  poolSize: 10,
  onQuery: () => statements++,
});
try {
  await applyMigrations(database.migrationUrl);
  console.log(
    `row-level security: ${serving.rowSecurity ? 'on' : 'off (serving as the superuser)'}`,
  );
  const services = createServices(servicesPrisma, { onError: (error) => console.error(error) });
  await services.ensureTenant(TENANT);
  const actor = { ...systemActor(TENANT, 'bench-ingest'), roles: new Set(['ingest' as const]) };

  await prisma.deviceGroup.updateMany({
    where: { tenantId: TENANT, isDefault: true },
    data: { rank: LEVELS.length + 1 },
  });
  const groups = [];
  for (const [i, level] of LEVELS.entries()) {
    groups.push(
      await prisma.deviceGroup.create({
        data: { tenantId: TENANT, name: `Bench ${level}`, automationLevel: level, rank: i + 1 },
      }),
    );
  }
  const devices: { id: string }[] = [];
  for (let i = 0; i < 40; i++) {
    devices.push(
      await prisma.device.create({
        data: {
          tenantId: TENANT,
          hostname: `bench-${i}`,
          osPlatform: 'WINDOWS',
          deviceGroupId: groups[i % groups.length]!.id,
        },
      }),
    );
  }
  const elsewhere = devices.slice(20);

  const results: { ms: number; statements: number; actions: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const origin = devices[run % 20]!;
    const alert = await services.reportAlert(actor, {
      deviceId: origin.id,
      title: `Bench run ${run}`,
      severity: 'HIGH',
      evidence: [],
    });
    // Files seen elsewhere before: the spread finds them by sha256.
    const shared = Array.from({ length: SPREAD }, () => randomBytes(32).toString('hex'));
    for (let i = 0; i < SPREAD; i += 250) {
      await prisma.evidence.createMany({
        data: shared.slice(i, i + 250).map((sha256, j) => ({
          tenantId: TENANT,
          deviceId: elsewhere[(i + j) % elsewhere.length]!.id,
          kind: 'FILE' as const,
          path: `D:\\seen\\${sha256.slice(0, 8)}.exe`,
          sha256,
          locationClasses: ['OTHER' as const],
        })),
      });
    }
    const findings = Array.from({ length: FINDINGS }, (_, i) => {
      const device = devices[i % 20]!;
      const verdict = i < SPREAD ? 'MALICIOUS' : VERDICTS[i % VERDICTS.length]!;
      const place = i % 5;
      const name = `r${run}-${i}`;
      const evidence =
        place === 0
          ? {
              kind: 'FILE' as const,
              path: `C:\\Windows\\System32\\${name}.dll`,
              sha256: i < SPREAD ? shared[i] : randomBytes(32).toString('hex'),
            }
          : place === 1
            ? {
                kind: 'FILE' as const,
                path: `C:\\Users\\u${i % 7}\\Downloads\\${name}.exe`,
                sha256: i < SPREAD ? shared[i] : null,
              }
            : place === 2
              ? {
                  kind: 'PROCESS' as const,
                  path: `D:\\apps\\${name}.exe`,
                  processId: i,
                  sha256: i < SPREAD ? shared[i] : null,
                }
              : place === 3
                ? { kind: 'REGISTRY_KEY' as const, registryKey: `HKLM\\Software\\Run\\${name}` }
                : {
                    kind: 'IP_ADDRESS' as const,
                    value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
                  };
      return { deviceId: device.id, evidence, verdict };
    });
    statements = 0;
    const started = performance.now();
    const result = await services.submitInvestigationFindings(actor, {
      investigationId: alert.investigationId!,
      findings,
      complete: true,
    });
    const ms = performance.now() - started;
    results.push({ ms, statements, actions: result.actionIds.length });
    console.log(
      `run ${run + 1}: ${FINDINGS} findings in ${ms.toFixed(0)} ms = ${Math.round((FINDINGS / ms) * 1000)} findings/s; ` +
        `${result.actionIds.length} actions created; ${statements} SQL statements (executor included)`,
    );
  }
  const best = results.reduce((a, b) => (a.ms < b.ms ? a : b));
  const median = [...results].sort((a, b) => a.ms - b.ms)[Math.floor(results.length / 2)]!;
  console.log(
    `\nsubmitInvestigationFindings, ${FINDINGS} findings: median ${median.ms.toFixed(0)} ms (${Math.round((FINDINGS / median.ms) * 1000)} findings/s), ` +
      `best ${best.ms.toFixed(0)} ms (${Math.round((FINDINGS / best.ms) * 1000)} findings/s)`,
  );
} finally {
  await prisma.$disconnect();
  await servicesPrisma.$disconnect();
  await database.stop();
}
