// Read benchmark (issue 10 item 6: what row-level security costs):
//   npx tsx bench/read.ts [--incidents 200] [--first 50] [--rounds 200] [--rls off]
// An in-process Quell server on DATABASE_URL or a throwaway embedded PostgreSQL, `incidents`
// incidents of two devices each (alerts, investigation, evidence, actions), and a loop of the
// nested incidents page (devices, evidence, actions, alerts) over HTTP, one request at a time.
// `--rls off` serves as the tables' owner, which the policies do not filter: same code, same
// statements (each read still runs in its own transaction setting the tenant), no policy checks.
// It also times the same page as one Prisma query, in-process, three ways, to separate the two
// costs: the plain client (no transaction, no policies: before row security), the tenant-scoped
// client as the owner (the transaction around each read), and as the app role (plus policies).
import { signToken, tokenSettingsFromEnv } from '../src/auth/tokens.js';
import { createPrismaClient, type PrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { scopedClient, tenantScope } from '../src/db/tenant-scope.js';
import { startQuell } from '../src/server/start.js';
import { fixtures } from '../test/support/fixtures.js';
import { servingUrl, throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const INCIDENTS = option('incidents', 200);
const FIRST = option('first', 50);
const ROUNDS = option('rounds', 200);
const TENANT = 'bench-read';

const PAGE = `query($first: Int) {
  incidents(first: $first) {
    totalCount
    edges { node {
      title remediationStatus
      devices { hostname deviceGroup { name } }
      evidence(first: 10) { totalCount edges { node { path sha256 device { hostname } } } }
      remediationActions(first: 10) { totalCount edges { node { status device { hostname } deviceGroup { name } } } }
      alerts(first: 10) { edges { node { title } } }
    } }
  }
}`;

function report(label: string, times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  const total = times.reduce((a, b) => a + b, 0);
  console.log(
    `${label}: median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, ${Math.round((times.length / total) * 1000)} pages/s`,
  );
}

async function timeLoop(rounds: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(20, rounds); i++) await once(); // warm-up: plans, pools, JIT
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return times;
}

async function seed(owner: PrismaClient) {
  const world = fixtures(owner, TENANT);
  await world.tenant();
  const group = await world.group('Workstations');
  const devices = [];
  for (let i = 0; i < 20; i++) devices.push(await world.device(group.id, `ws-${i}`));
  for (let i = 0; i < INCIDENTS; i++)
    await world.incident([devices[i % 20]!, devices[(i + 1) % 20]!]);
}

/** The page as one Prisma query (what the resolvers' folded selections amount to). */
function prismaPage(client: PrismaClient) {
  return client.incident.findMany({
    where: { tenantId: TENANT },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: FIRST,
    include: {
      devices: { include: { device: { include: { deviceGroup: true } } } },
      evidence: { take: 10, include: { device: true } },
      remediationActions: { take: 10, include: { device: true, deviceGroup: true } },
      alerts: { take: 10 },
    },
  });
}

const database = await throwawayDatabase();
const serving = servingUrl(database);
const owner = createPrismaClient(database.migrationUrl);
const app = createPrismaClient(database.url);
try {
  await applyMigrations(database.migrationUrl);
  await seed(owner);
  const server = await startQuell({
    databaseUrl: serving.url,
    migrationDatabaseUrl: database.migrationUrl,
    port: 0,
  });
  try {
    const token = await signToken(
      { sub: 'bench', tid: TENANT, roles: ['viewer'], groups: '*' },
      tokenSettingsFromEnv().secret!,
    );
    const body = JSON.stringify({ query: PAGE, variables: { first: FIRST } });
    const request = async () => {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const result = (await response.json()) as {
        errors?: unknown;
        data?: { incidents: { edges: unknown[] } };
      };
      if (result.errors || result.data?.incidents.edges.length !== Math.min(FIRST, INCIDENTS))
        throw new Error(`unexpected answer: ${JSON.stringify(result).slice(0, 300)}`);
    };
    console.log(`${INCIDENTS} incidents, pages of ${FIRST}, ${ROUNDS} rounds`);
    report(
      `GraphQL page over HTTP, row-level security ${serving.rowSecurity ? 'on' : 'off'}`,
      await timeLoop(ROUNDS, request),
    );
  } finally {
    await server.close();
  }
  const scope = tenantScope(TENANT);
  report(
    'Prisma page, plain client as owner (no transaction, no policies)',
    await timeLoop(ROUNDS, () => prismaPage(owner)),
  );
  report(
    'Prisma page, tenant-scoped client as owner (transaction, no policies)',
    await timeLoop(ROUNDS, () => prismaPage(scopedClient(owner, scope))),
  );
  report(
    'Prisma page, tenant-scoped client as app role (transaction + policies)',
    await timeLoop(ROUNDS, () => prismaPage(scopedClient(app, scope))),
  );
} finally {
  await owner.$disconnect();
  await app.$disconnect();
  await database.stop();
}
