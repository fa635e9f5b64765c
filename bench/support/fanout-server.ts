// One Quell instance for bench/fanout.ts, in its own process: `startQuell` on DATABASE_URL, with
// every SQL statement counted so the bench can show how often the stream log is read.
// Answers `{ type: 'listening' }` with its URL and `{ type: 'stats' }` with its counters over IPC.
import { startQuell } from '../../src/server/start.js';

const optionalNumber = (text: string | undefined) => (text ? Number(text) : undefined);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const counts = { statements: 0, streamLogReads: 0 };
const server = await startQuell({
  databaseUrl,
  port: 0,
  onQuery(sql) {
    counts.statements++;
    if (/^SELECT\b/i.test(sql) && sql.includes('"stream_events"')) counts.streamLogReads++;
  },
  // The bench's --max-buffered-kb and --slow-grace-ms (otherwise the server's defaults).
  slowConsumers: {
    maxBufferedBytes: optionalNumber(process.env.QUELL_BENCH_MAX_BUFFERED),
    slowConsumerGraceMs: optionalNumber(process.env.QUELL_BENCH_SLOW_GRACE_MS),
  },
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'listening') process.send?.({ type: 'listening', url: server.graphqlUrl });
  if (message.type === 'stats')
    process.send?.({
      type: 'stats',
      ...counts,
      streams: server.streams.stats(),
      // Optional: lets the bench run against servers that predate the counter (before/after runs).
      slowConsumersCut: server.wsStats?.slowConsumersCut ?? 0,
    });
});
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
