// Read-path benchmark (issue 11): the action center's two hot reads, in-process, on load-free
// figures — SQL statements per request and server CPU ms per request — so a regression shows
// without the peer harness.
//   npm run bench:reads -- [--incidents 2000] [--requests 30] [--rls off] [--prisma-path] [--sql]
// (--prisma-path: QUELL_SQL_READ_PATH=off, the hot reads through Prisma, to compare both paths.)
// Seeds Quell's own tables with the peer harness's shape (bench/support/reads-seed.sql: 10
// groups, 2,000 devices, N incidents × 5 evidence × 4 actions), starts Quell in this process on
// a throwaway embedded PostgreSQL (or DATABASE_URL) and sends N sequential requests per workload
// over real HTTP. Nested pages ask for 5 (the data has 5 evidence, 4 actions): the default 20
// puts page 100 over the cost limit. CPU ms is this process's user+system time divided by the requests: it includes
// the client's fetch and JSON parse (the same for every version), not PostgreSQL's time.
// Quell serves as the least-privilege app role under row-level security; `--rls off` serves as
// the superuser, which the policies do not filter (same statements, without the policies' checks).
// "SQL" counts the statements but BEGIN/COMMIT, which "tx" counts.
import { signToken, tokenSettingsFromEnv } from '../src/auth/tokens.js';
import { DEFAULT_RATE_LIMITS } from '../src/config.js';
import { startQuell } from '../src/server/start.js';
import { servingUrl, throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';
import { seedReadsData } from './support/reads-data.js';

const incidents = option('incidents', 2000);
const requests = option('requests', 30);
const sqlReadPath = !process.argv.includes('--prisma-path');

const NESTED = `query NestedIncidents($first: Int!) {
  incidents(first: $first) { edges { node {
    id title severity status createdAt
    evidence(first: 5) { edges { node {
      id kind path verdict device { hostname deviceGroup { name automationLevel } }
    } } }
    remediationActions(first: 5) { edges { node { id type status } } }
  } } }
}`;
const PENDING = `query PendingTab($first: Int!) {
  remediationActions(first: $first, filter: { statuses: [PENDING_APPROVAL] }) {
    totalCount edges { node { id type status device { hostname } } }
  }
}`;

interface Workload {
  name: string;
  query: string;
  first: number;
  rows: (data: Record<string, { edges: unknown[] }>) => number;
}

const workloads: Workload[] = [
  ...[10, 50, 100].map((first) => ({
    name: `nested incidents, page ${first}`,
    query: NESTED,
    first,
    rows: (data: Record<string, { edges: unknown[] }>) => data.incidents!.edges.length,
  })),
  {
    name: 'Pending tab, 50 + totalCount',
    query: PENDING,
    first: 50,
    rows: (data) => data.remediationActions!.edges.length,
  },
];

const database = await throwawayDatabase();
const serving = servingUrl(database);
const statements: string[] = [];
let transactionControl = 0;
let recording = false;
const server = await startQuell({
  databaseUrl: serving.url,
  migrationDatabaseUrl: database.migrationUrl,
  port: 0,
  // The read path alone: a bench sends more than a subject's budget, and the rule worker's polling
  // would show in the statement count.
  rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
  runRuleWorker: false,
  runWebhookDelivery: false,
  sqlReadPath,
  onQuery: (sql) => {
    if (!recording) return;
    if (/^(BEGIN|COMMIT|ROLLBACK)/i.test(sql)) transactionControl++;
    else statements.push(sql);
  },
});
try {
  await seedReadsData(database.adminUrl, incidents); // as the superuser: fixtures need no scope
  const token = await signToken(
    { sub: 'bench', tid: 'contoso', roles: ['viewer'], groups: ['*'] },
    tokenSettingsFromEnv().secret!,
  );
  const call = async (workload: Workload) => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: workload.query, variables: { first: workload.first } }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      data?: Record<string, { edges: unknown[] }>;
      errors?: unknown;
    };
    if (body.errors || !body.data || workload.rows(body.data) !== workload.first)
      throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
    return text.length;
  };
  console.log(
    `${incidents} incidents × 5 evidence × 4 actions; ${requests} sequential requests each; ` +
      `row-level security ${serving.rowSecurity ? 'on (app role)' : 'off (superuser)'}` +
      `; hot reads through ${sqlReadPath ? 'the SQL read path' : 'Prisma'}`,
  );
  for (const workload of workloads) {
    for (let i = 0; i < 5; i++) await call(workload); // warm-up: provisioning, JIT, plans
    recording = true;
    statements.length = 0;
    transactionControl = 0;
    const bytes = await call(workload);
    const perRequest = statements.length;
    const sqlText = statements.join('\n');
    recording = false;
    const cpu = process.cpuUsage();
    for (let i = 0; i < requests; i++) await call(workload);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000 / requests;
    console.log(
      `${workload.name.padEnd(30)} SQL/request ${String(perRequest).padStart(2)}  ` +
        `tx ${String(transactionControl).padStart(2)}  ` +
        `CPU ms/request ${cpuMs.toFixed(1).padStart(6)}  response ${(bytes / 1024).toFixed(1)} KB`,
    );
    if (process.argv.includes('--sql')) console.log(sqlText.replace(/^(.{160}).*$/gm, '$1…'));
  }
} finally {
  await server.close();
  await database.stop();
}
