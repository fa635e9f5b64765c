// Write-path benchmark (issue 11): Quell's use cases against a hand-written SQL transaction making
// the same writes (bench/support/raw-writes.ts) on the same database, interleaved, sequential.
//   npm run bench:writes -- [--incidents 5000] [--rounds 5] [--singles 20] [--bulks 3] [--findings 4]
//                           [--baseline <checkout>] [--sql] [--rls-statement] [--profile <dir>]
// --baseline runs another checkout's services (e.g. a `git worktree` of the commit before a change,
// with node_modules linked and src/generated copied) in the same rounds, on the same database, so
// before and after are measured side by side. --sql prints each side's statements of one call.
// --profile <dir> records a CPU profile of the Quell side's calls only (`<dir>/<operation>.cpuprofile`,
// `rounds` × runs extra calls after the measured rounds): where its CPU per operation goes.
// --rls-statement sends one `set_config` after every BEGIN of the Quell sides, as row-level
// security's tenant scope will: the ratio with that statement more.
// Operations: approveRemediationActions of 1 id and of 50 ids, submitInvestigationFindings of 100
// malicious files (each a pending quarantine). Quell is called in-process through its services
// (validation, scope, the policy, the idempotency-free runMutation, audit, stream, derived states,
// commit) with the agent executor, so no action is carried out after commit — as in the raw
// transaction. Figures per operation: wall ms (median of rounds), Quell ÷ raw rate, SQL statements
// (counted on the pg connections: BEGIN and COMMIT included, on both sides) and this process's CPU
// ms (Prisma's query engine runs in it; PostgreSQL's time is not in it).
import os from 'node:os';
import pg from 'pg';
import { createPrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createServices, type Services, systemActor } from '../src/services/index.js';
import { withCpuProfile } from './support/cpu-profile.js';
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
let printing = false; // --sql: the statements of each side's warm-up call of each operation
await applyMigrations(database.migrationUrl);
await seedReadsData(database.adminUrl, incidents);

const rlsStatement = process.argv.includes('--rls-statement');

/** A pool whose connections count (and with --sql print) every statement sent, BEGIN included. */
function countingPool(options: { rls: boolean } = { rls: rlsStatement }): pg.Pool {
  // Every side on the superuser's URL: the raw transaction sets no tenant scope, so under the app
  // role row security would hide its rows. Quell's side still sends its scope statement (each
  // service transaction begins with it), so the ratio includes what row-level security adds
  // in statements; the policies' own checks are what `bench:reads --rls off` measures.
  const pool = new pg.Pool({ connectionString: database.adminUrl, max: 4 });
  // Idle connections see the database stop at the end: not an error of the bench.
  pool.on('error', () => {});
  pool.on('connect', (connection) => {
    const send = connection.query.bind(connection) as (...args: unknown[]) => unknown;
    (connection as { query: unknown }).query = (...args: unknown[]) => {
      statements++;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
      if (printing) console.log(`  ${String(text).replace(/\s+/g, ' ').slice(0, 150)}`);
      const sent = send(...args);
      if (!options.rls || text !== 'BEGIN' || !(sent instanceof Promise)) return sent;
      statements++;
      return sent.then(async (result) => {
        await send("SELECT set_config('quell.tenant_id', $1, true)", [TENANT]);
        return result;
      });
    };
  });
  return pool;
}

const prisma = createPrismaClient(database.adminUrl, { pool: countingPool() });
const services = createServices(prisma, { executor: 'agent' });

/** The other checkout's services (--baseline), on a counting pool of their own. */
async function baselineServices(): Promise<{
  services: Services;
  close: () => Promise<void>;
} | null> {
  const index = process.argv.indexOf('--baseline');
  if (index < 0) return null;
  const dir = process.argv[index + 1]!;
  const client = (await import(`${dir}/src/db/client.ts`)) as {
    createPrismaClient: typeof createPrismaClient;
  };
  const index2 = (await import(`${dir}/src/services/index.ts`)) as {
    createServices: typeof createServices;
  };
  const pool = countingPool();
  const other = client.createPrismaClient(database.adminUrl, { pool });
  return {
    services: index2.createServices(other, { executor: 'agent' }),
    close: () => other.$disconnect(),
  };
}
const baseline = await baselineServices();
const pool = countingPool({ rls: false }); // the raw side's statements count the same way
const client = await pool.connect();
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

type Side = 'quell' | 'baseline' | 'raw';
const servicesOf = (side: Side): Services => (side === 'baseline' ? baseline!.services : services);

const operations = (side: Side): Operation[] => [
  ...[1, 50].map((n) => ({
    name: `approveRemediationActions, ${n} id${n > 1 ? 's' : ''}`,
    runs: n === 1 ? singles : bulks,
    prepare: async () => {
      const ids = take(n);
      return side === 'raw'
        ? () => rawApprove(client, TENANT, ids)
        : () => servicesOf(side).approveRemediationActions(responder, { ids });
    },
  })),
  {
    name: 'submitInvestigationFindings, 100',
    runs: findingRuns,
    prepare: async () => {
      const target = await freshInvestigation();
      return side === 'raw'
        ? () => rawSubmitFindings(client, TENANT, target, 100)
        : () =>
            servicesOf(side).submitInvestigationFindings(ingest, {
              investigationId: target.id,
              findings: findings(target.deviceId, 100),
            });
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

const profileDir = process.argv.includes('--profile')
  ? process.argv[process.argv.indexOf('--profile') + 1]!
  : null;

/** --profile: the Quell side's calls of one operation again, under the CPU profiler. */
async function profileQuell(operation: Operation): Promise<void> {
  if (!profileDir) return;
  const file = `${profileDir}/${operation.name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`;
  // Fixtures first (findings' come from reportAlert, Quell too): the profile holds the calls only.
  const calls: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < rounds * operation.runs; i++) calls.push(await operation.prepare());
  await withCpuProfile(file, async () => {
    for (const call of calls) await call();
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Interleaved rounds (Quell, [baseline,] raw, Quell …) so every side sees the same machine. */
async function compare(index: number) {
  const sides: Side[] = baseline ? ['quell', 'baseline', 'raw'] : ['quell', 'raw'];
  const ops = sides.map((side) => operations(side)[index]!);
  const sql = process.argv.includes('--sql');
  for (const [i, op] of ops.entries()) {
    if (sql) console.log(`${sides[i]}, ${op.name}:`);
    await measure({ ...op, runs: 1 }, sql); // warm-up: plans, JIT
  }
  const samples: Sample[][] = [];
  for (let r = 0; r < rounds; r++) {
    const round: Sample[] = [];
    for (const op of ops) round.push(await measure(op));
    samples.push(round);
  }
  const raw = sides.length - 1;
  const pick = (side: number, value: (s: Sample) => number) =>
    median(samples.map((round) => value(round[side]!)));
  await profileQuell(ops[0]!);
  for (const [i, side] of sides.entries()) {
    const ratio = median(samples.map((round) => round[raw]!.ms / round[i]!.ms));
    console.log(
      `${ops[i]!.name.padEnd(36)} ${side.padEnd(8)} ${pick(i, (s) => s.ms)
        .toFixed(1)
        .padStart(6)} ms  ` +
        `÷ raw rate ${ratio.toFixed(2)}×  SQL/op ${pick(i, (s) => s.statements).toFixed(0)}  ` +
        `CPU ms/op ${pick(i, (s) => s.cpuMs).toFixed(1)}`,
    );
  }
}

try {
  console.log(
    `${incidents} incidents seeded (${pending.length} pending actions); ${rounds} interleaved rounds of ` +
      `${singles} single, ${bulks} bulk approvals and ${findingRuns} submissions each; one call at a time; ` +
      `load average ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
  );
  for (let i = 0; i < operations('raw').length; i++) await compare(i);
} finally {
  client.release();
  await pool.end();
  await prisma.$disconnect();
  await baseline?.close();
  console.log(
    `load average at the end ${os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  await database.stop();
}
