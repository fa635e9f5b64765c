// searchDevices' index (issue 14 item 6):
//   npx tsx bench/device-search.ts [--devices 50000] [--runs 200]
// Seeds a throwaway PostgreSQL (or DATABASE_URL) with devices of 4 tenants, runs the query Prisma
// generates for searchDevices(filter: { hostnameContains }) in one tenant, prints its EXPLAIN
// (ANALYZE) and the mean time of the query with the trigram index and with it disabled
// (dropped in a rolled-back transaction), alternating in one run.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { visibleDevices } from '../src/auth/scope.js';
import { applyMigrations } from '../src/db/migrate.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const devices = option('devices', 50_000);
const runs = option('runs', 200);
const TENANTS = 4;
const TENANT = 'search-3';
/** Five characters of a hostname's hash part, as a person types part of a name. */
const FRAGMENT = '3f2a9';

async function seed(client: pg.Client): Promise<void> {
  await client.query(`INSERT INTO tenants (id, name) SELECT 'search-' || t, 'search-' || t
    FROM generate_series(1, ${TENANTS}) t ON CONFLICT DO NOTHING`);
  await client.query(`INSERT INTO device_groups (id, "tenantId", name, "automationLevel", rank, "isDefault", "updatedAt")
    SELECT gen_random_uuid(), id, 'Ungrouped devices', 'FULL', 1, true, now() FROM tenants
    WHERE id LIKE 'search-%' ON CONFLICT DO NOTHING`);
  await client.query(`INSERT INTO devices (id, "tenantId", "deviceGroupId", hostname, "osPlatform", isolated)
    SELECT gen_random_uuid(), g."tenantId", g.id,
      (ARRAY['web','db','laptop','kiosk','build'])[1 + n % 5] || '-' || md5(n::text) || '-' || n,
      (ARRAY['WINDOWS','LINUX','MACOS'])[1 + n % 3]::"OsPlatform", n % 50 = 0
    FROM generate_series(1, ${devices}) n
    JOIN device_groups g ON g."tenantId" = 'search-' || (1 + n % ${TENANTS}) AND g."isDefault"
    ON CONFLICT DO NOTHING`);
  await client.query('ANALYZE devices');
}

interface Captured {
  sql: string;
  params: unknown[];
}

/** The SQL and parameters Prisma sends for the searchDevices filter (scope included). */
async function capturePrismaQuery(url: string, fragment: string): Promise<Captured> {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url }),
    log: [{ emit: 'event', level: 'query' }],
  });
  const seen: Captured[] = [];
  prisma.$on('query', (e) => seen.push({ sql: e.query, params: JSON.parse(e.params) }));
  const identity = {
    subject: 'b',
    tenantId: TENANT,
    roles: new Set(['viewer'] as const),
    groups: 'all' as const,
    deviceId: null,
  };
  await prisma.device.findMany({
    where: {
      AND: [visibleDevices(identity), { hostname: { contains: fragment, mode: 'insensitive' } }],
    },
    orderBy: [{ hostname: 'asc' }, { id: 'asc' }],
    take: 51,
  });
  await prisma.$disconnect();
  const query = seen.find((q) => q.sql.includes('"devices"') && q.sql.includes('ILIKE'));
  if (!query) throw new Error(`no device query captured: ${seen.map((q) => q.sql).join('\n')}`);
  return query;
}

/** Without the trigram index: dropped inside a transaction that is rolled back. */
async function withoutTrigramIndex<T>(client: pg.Client, run: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('DROP INDEX devices_hostname_trgm_idx');
    return await run();
  } finally {
    await client.query('ROLLBACK');
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Mean ms of the query with and without the index, alternating so load hits both alike. */
async function sideBySide(client: pg.Client, query: Captured) {
  const total = { indexed: 0, without: 0 };
  const once = () => client.query(query.sql, query.params);
  for (let i = 0; i < runs; i++) {
    total.indexed += await timed(once);
    total.without += await withoutTrigramIndex(client, () => timed(once));
  }
  return { indexed: total.indexed / runs, without: total.without / runs };
}

async function explain(client: pg.Client, query: Captured): Promise<string> {
  const plan = await client.query(
    `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, BUFFERS OFF) ${query.sql}`,
    query.params,
  );
  return plan.rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n');
}

const database = await throwawayDatabase();
const client = new pg.Client({ connectionString: database.url });
try {
  await applyMigrations(database.url);
  await client.connect();
  await seed(client);
  const query = await capturePrismaQuery(database.url, FRAGMENT);
  console.log(
    `${devices} devices in ${TENANTS} tenants; searchDevices(hostnameContains: "${FRAGMENT}") in ${TENANT}:`,
  );
  console.log(await explain(client, query));
  console.log("the same without the trigram index (the tenant's btree index remains):");
  console.log(await withoutTrigramIndex(client, () => explain(client, query)));
  const { indexed, without } = await sideBySide(client, query);
  console.log(
    `mean of ${runs} alternating runs: ${indexed.toFixed(3)} ms with the trigram index, ${without.toFixed(3)} ms without (${(without / indexed).toFixed(1)}x)`,
  );
} finally {
  await client.end();
  await database.stop();
}
