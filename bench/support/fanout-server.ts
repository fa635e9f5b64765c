// One Quell instance for bench/fanout.ts, in its own process: `startQuell` on DATABASE_URL, with
// every SQL statement counted so the bench can show how often the stream log is read.
// Answers `{ type: 'listening' }` with its URL and `{ type: 'stats' }` with its counters over IPC.
import { writeHeapSnapshot } from 'node:v8';
import { startQuell } from '../../src/server/start.js';
import { startCpuProfile } from './cpu-profile.js';

const optionalNumber = (text: string | undefined) => (text ? Number(text) : undefined);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const counts = { statements: 0, streamLogReads: 0 };
/** Statements by their shape (literals and parameters elided): which ones an event costs. */
const byShape = new Map<string, number>();
const shapeOf = (sql: string) =>
  sql
    .replace(/\$\d+|'[^']*'|\b\d+\b/g, '?')
    .replace(/\s+/g, ' ')
    .slice(0, 140);
const server = await startQuell({
  databaseUrl,
  port: 0,
  onQuery(sql) {
    counts.statements++;
    if (/^SELECT\b/i.test(sql) && sql.includes('"stream_events"')) counts.streamLogReads++;
    const shape = shapeOf(sql);
    byShape.set(shape, (byShape.get(shape) ?? 0) + 1);
  },
  // The bench's --max-buffered-kb and --slow-grace-ms (otherwise the server's defaults).
  slowConsumers: {
    maxBufferedBytes: optionalNumber(process.env.QUELL_BENCH_MAX_BUFFERED),
    slowConsumerGraceMs: optionalNumber(process.env.QUELL_BENCH_SLOW_GRACE_MS),
  },
});

/** The largest of each part of the server's memory, sampled each second (memoryUsage walks the heap
 * spaces: every 200 ms it was 1.4 % of the server's CPU in the window); VmHWM is the exact RSS peak. */
const memoryPeak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
setInterval(() => {
  const now = process.memoryUsage();
  for (const key of Object.keys(memoryPeak) as (keyof typeof memoryPeak)[])
    memoryPeak[key] = Math.max(memoryPeak[key], Math.round(now[key] / 2 ** 20));
}, 1_000).unref();

/** The bench's --profile: a CPU profile of the measurement window only. */
let stopProfile: ((file: string) => Promise<string>) | null = null;
async function profile(message: { type: string; file?: string }) {
  if (message.type === 'profile-start') {
    stopProfile = await startCpuProfile();
    process.send?.({ type: 'profile-start' });
  }
  if (message.type === 'profile-stop' && stopProfile && message.file)
    process.send?.({ type: 'profile-stop', file: await stopProfile(message.file) });
}

process.on('message', (message: { type: string; file?: string }) => {
  void profile(message);
  // The bench's --heap-snapshot: what the server holds per subscriber once all are live.
  if (message.type === 'heap-snapshot')
    process.send?.({ type: 'heap-snapshot', file: writeHeapSnapshot(message.file) });
  if (message.type === 'listening') process.send?.({ type: 'listening', url: server.graphqlUrl });
  if (message.type === 'stats')
    process.send?.({
      type: 'stats',
      ...counts,
      statementsByShape: Object.fromEntries(byShape),
      streams: server.streams.stats(),
      memoryPeakMb: memoryPeak,
      // Optional: lets the bench run against servers that predate the counter (before/after runs).
      slowConsumersCut: server.wsStats?.slowConsumersCut ?? 0,
      largestCutBacklogBytes: server.wsStats?.largestCutBacklogBytes ?? 0,
    });
});
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
