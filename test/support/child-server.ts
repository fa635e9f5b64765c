// A Quell server in its own process (the second instance of the two-instance test):
// `node scripts/run-cached.mjs test/support/child-server.ts` with DATABASE_URL. Prints one JSON line
// with its URL once listening; SIGTERM shuts it down gracefully.
import { startQuell } from '../../src/server/start.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const server = await startQuell({ databaseUrl, port: 0 });
process.stdout.write(
  `${JSON.stringify({ url: server.url, graphqlUrl: server.graphqlUrl, pid: process.pid })}\n`,
);
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
