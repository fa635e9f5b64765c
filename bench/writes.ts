// Write-path benchmark (issue 11): Quell's use cases against a hand-written SQL transaction making
// the same writes (bench/support/raw-writes.ts) on the same database, interleaved, sequential.
//   npm run bench:writes -- [--incidents 5000] [--rounds 5] [--singles 20] [--bulks 3] [--findings 4]
// Operations: approveRemediationActions of 1 id and of 50 ids, submitInvestigationFindings of 100
// malicious files (each a pending quarantine). Quell is called in-process through its services
// (validation, scope, the policy, the idempotency-free runMutation, audit, stream, derived states,
// commit) with the agent executor, so no action is carried out after commit — as in the raw
// transaction. Figures per operation: wall ms (median of rounds), Quell ÷ raw rate, SQL statements
// and this process's CPU ms (Prisma's query engine runs in it; PostgreSQL's time is not in it).
import pg from 'pg';
import { createPrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createServices, systemActor } from '../src/services/index.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';
import { type RawInvestigation, rawApprove, rawSubmitFindings } from './support/raw-writes.js';
import { seedReadsData } from './support/reads-data.js';

const TENANT = 'contoso';
const incidents = option('incidents', 5000);
const rounds = option('rounds', 5);
const singles = option('singles', 20);
const bulks = option('bulks', 3);
const findingRuns = option('findings', 4);

const database = await throwawayDatabase();
let statements = 0;
let printing = false; // --sql: the statements of Quell's warm-up call of each operation
await applyMigrations(database.url);
await seedReadsData(database.url, incidents);
const prisma = createPrismaClient(database.url, {
  poolSize: 4,
  onQuery: (sql) => {
    statements++;
    if (printing) console.log(`  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`);
  },
});
const pool = new pg.Pool({ connectionString: database.url, max: 1 });
const client = await pool.connect();
const services = createServices(prisma, { executor: 'agent' });
const responder = {
  ...systemActor(TENANT, 'bench-writes'),
  roles: new Set(['responder' as const]),
};
const ingest = { ...systemActor(TENANT, 'bench-writes'), roles: new Set(['ingest' as const]) };

/** Pending actions not yet used, newest first: each approval takes its ids from here. */
const pending = (
  await prisma.remediationAction.findMany({
    where: { tenantId: TENANT, status: 'PENDING_APPROVAL' },
    select: { id: true },
    orderBy: { createdAt: 'desc' },
  })
).map((row) => row.id);
const take = (n: number) => {
  if (pending.length < n) throw new Error('out of pending actions: seed more --incidents');
  return pending.splice(0, n);
};

/** A new alert on a device of an approval-requiring group: its investigation takes findings. */
async function freshInvestigation(): Promise<RawInvestigation> {
  const device = await prisma.device.findFirstOrThrow({
    where: { tenantId: TENANT, deviceGroup: { automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY' } },
    select: { id: true, deviceGroupId: true },
  });
  const alert = await services.reportAlert(ingest, {
    deviceId: device.id,
    title: 'bench-writes',
    severity: 'HIGH',
    evidence: [],
  });
  return {
    id: alert.investigationId!,
    incidentId: alert.incidentId,
    deviceId: device.id,
    deviceGroupId: device.deviceGroupId,
  };
}

const findings = (deviceId: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    deviceId,
    verdict: 'MALICIOUS' as const,
    evidence: {
      kind: 'FILE' as const,
      path: `C:\\Users\\u\\Downloads\\bench-${Date.now()}-${i}.exe`,
      sha256: [...crypto.getRandomValues(new Uint8Array(32))]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(''),
    },
  }));

interface Operation {
  name: string;
  runs: number;
  /** Untimed preparation of one run (fixtures), then the timed call. */
  prepare: () => Promise<() => Promise<unknown>>;
}

const operations = (side: 'quell' | 'raw'): Operation[] => [
  ...[1, 50].map((n) => ({
    name: `approveRemediationActions, ${n} id${n > 1 ? 's' : ''}`,
    runs: n === 1 ? singles : bulks,
    prepare: async () => {
      const ids = take(n);
      return side === 'quell'
        ? () => services.approveRemediationActions(responder, { ids })
        : () => rawApprove(client, TENANT, ids);
    },
  })),
  {
    name: 'submitInvestigationFindings, 100',
    runs: findingRuns,
    prepare: async () => {
      const target = await freshInvestigation();
      return side === 'quell'
        ? () =>
            services.submitInvestigationFindings(ingest, {
              investigationId: target.id,
              findings: findings(target.deviceId, 100),
            })
        : () => rawSubmitFindings(client, TENANT, target, 100);
    },
  },
];

interface Sample {
  ms: number;
  cpuMs: number;
  statements: number;
}

/** `runs` timed calls of one operation: per-call wall ms, CPU ms and Prisma statements. */
async function measure(operation: Operation, print = false): Promise<Sample> {
  let ms = 0;
  let cpuMs = 0;
  let sql = 0;
  for (let i = 0; i < operation.runs; i++) {
    const call = await operation.prepare();
    const before = statements;
    const cpu = process.cpuUsage();
    const started = performance.now();
    printing = print;
    await call();
    printing = false;
    ms += performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
    sql += statements - before;
  }
  const runs = operation.runs;
  return { ms: ms / runs, cpuMs: cpuMs / runs, statements: sql / runs };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Interleaved rounds (Quell, raw, Quell, raw …) so both sides see the same machine. */
async function compare(index: number) {
  const quell = operations('quell')[index]!;
  const raw = operations('raw')[index]!;
  const samples: { quell: Sample; raw: Sample }[] = [];
  await measure({ ...quell, runs: 1 }, process.argv.includes('--sql')); // warm-up: plans, JIT
  await measure({ ...raw, runs: 1 });
  for (let r = 0; r < rounds; r++)
    samples.push({ quell: await measure(quell), raw: await measure(raw) });
  const ratio = median(samples.map((s) => s.raw.ms / s.quell.ms));
  const q = (pick: (s: Sample) => number) => median(samples.map((s) => pick(s.quell)));
  const w = (pick: (s: Sample) => number) => median(samples.map((s) => pick(s.raw)));
  console.log(
    `${quell.name.padEnd(36)} Quell ${q((s) => s.ms)
      .toFixed(1)
      .padStart(6)} ms  raw ${w((s) => s.ms)
      .toFixed(1)
      .padStart(6)} ms  Quell ÷ raw rate ${ratio.toFixed(2)}×  ` +
      `SQL/op ${q((s) => s.statements).toFixed(0)} (raw ${rawStatements[index]})  ` +
      `CPU ms/op ${q((s) => s.cpuMs).toFixed(1)} (raw ${w((s) => s.cpuMs).toFixed(1)})`,
  );
}

// The raw transactions' statements, BEGIN and COMMIT included (Quell's count includes them too).
const rawStatements = [10, 10, 12];

try {
  console.log(
    `${incidents} incidents seeded (${pending.length} pending actions); ${rounds} interleaved rounds of ` +
      `${singles} single, ${bulks} bulk approvals and ${findingRuns} submissions each; one call at a time`,
  );
  for (let i = 0; i < operations('raw').length; i++) await compare(i);
} finally {
  client.release();
  await pool.end();
  await prisma.$disconnect();
  await database.stop();
}
