// CSV export benchmark (issue 12 item 1): `npx tsx bench/export.ts [--rows 100000] [--small 10000]`
// On DATABASE_URL or a throwaway embedded PostgreSQL. Seeds `rows` actions in one tenant, then
// downloads GET /export/remediation-actions.csv twice from a real server in this process: the
// first `small` rows' worth (a createdAfter window) and everything. It prints rows/s and the peak
// RSS and heap seen while each download runs (sampled every 20 ms; with `node --expose-gc` also
// the live heap after a full collection every 0.5 s): with keyset batches and
// backpressure the peaks must not grow with the row count (constant memory).
import { signToken, tokenSettingsFromEnv } from '../src/auth/tokens.js';
import { createPrismaClient, type PrismaClient } from '../src/db/client.js';
import { startQuell } from '../src/server/start.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const ROWS = option('rows', 100_000);
const SMALL = option('small', 10_000);
const TENANT = 'bench-export';
const BASE = Date.parse('2026-01-01T00:00:00Z');
const MB = 1024 * 1024;

/**
 * The rows are written by one INSERT … SELECT over generate_series: seeding through the client
 * would leave hundreds of MB of garbage in this process and blur the memory figures.
 */
async function seed(prisma: PrismaClient, rows: number) {
  await prisma.tenant.create({ data: { id: TENANT, name: TENANT } });
  const group = await prisma.deviceGroup.create({
    data: { tenantId: TENANT, name: 'Servers', automationLevel: 'FULL', rank: 1, isDefault: true },
  });
  const device = await prisma.device.create({
    data: { tenantId: TENANT, deviceGroupId: group.id, hostname: 'srv-1', osPlatform: 'WINDOWS' },
  });
  // One row per second, newest last: a createdAfter window selects the newest N.
  await prisma.$executeRaw`
    INSERT INTO remediation_actions ("id", "tenantId", "deviceId", "deviceGroupId", "type",
      "source", "status", "comment", "explanation", "undoable", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), ${TENANT}, ${device.id}::uuid, ${group.id}::uuid,
      'QUARANTINE_FILE', 'AUTOMATED_INVESTIGATION', 'COMPLETED',
      '=action ' || n || ', with "quotes"',
      'The device group is FULL: remediation is taken automatically.', true,
      ${new Date(BASE)}::timestamp + n * interval '1 second', now()
    FROM generate_series(0, ${rows - 1}) AS n`;
}

/** Downloads the export, counting rows as they arrive; returns rows, seconds and memory peaks. */
async function download(url: string, token: string) {
  let peakRss = 0;
  let peakHeap = 0;
  let peakLive = 0;
  let samples = 0;
  const sample = () => {
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
    // Every 0.5 s, what survives a full collection: what the download really holds (needs
    // node --expose-gc; the heap peak alone also counts garbage V8 has not collected yet).
    if (global.gc && ++samples % 25 === 0) {
      global.gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
  let lines = 0;
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    // No cell of this seed holds a line break: one CRLF per record.
    lines += decoder.decode(chunk, { stream: true }).split('\r\n').length - 1;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  return { rows: lines - 1, seconds, peakRss, peakHeap, peakLive };
}

const database = await throwawayDatabase();
const server = await startQuell({
  databaseUrl: database.url,
  migrationDatabaseUrl: database.migrationUrl,
  port: 0,
});
// Fixtures as the superuser (row-level security does not filter it); the server serves as the app role.
const owner = createPrismaClient(database.adminUrl);
try {
  await seed(owner, ROWS);
  const secret = tokenSettingsFromEnv().secret;
  if (!secret) throw new Error('The benchmark mints an HS256 token: set no QUELL_JWKS_URL.');
  const token = await signToken(
    { sub: 'bench', tid: TENANT, roles: ['viewer'], groups: '*' },
    secret,
  );
  const exportUrl = `${server.url}/export/remediation-actions.csv`;
  const smallAfter = new Date(BASE + (ROWS - SMALL) * 1000).toISOString();
  global.gc?.();
  const before = process.memoryUsage();
  console.log(
    `before: rss ${(before.rss / MB).toFixed(0)} MB, heap ${(before.heapUsed / MB).toFixed(0)} MB`,
  );
  console.log('rows       seconds   rows/s    peak RSS   peak heap  peak live heap (after GC)');
  for (const url of [`${exportUrl}?createdAfter=${smallAfter}`, exportUrl]) {
    const run = await download(url, token);
    console.log(
      `${String(run.rows).padEnd(10)} ${run.seconds.toFixed(2).padEnd(9)} ${Math.round(
        run.rows / run.seconds,
      )
        .toString()
        .padEnd(9)} ${(run.peakRss / MB).toFixed(0).padStart(5)} MB  ${(run.peakHeap / MB)
        .toFixed(0)
        .padStart(6)} MB  ${(run.peakLive / MB).toFixed(0).padStart(6)} MB`,
    );
  }
} finally {
  await server.close();
  await owner.$disconnect();
  await database.stop();
}
