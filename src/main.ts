// `npm start`: the API on an embedded PostgreSQL (or DATABASE_URL), with a development token.
import { signToken, tokenSettingsFromEnv } from './auth/tokens.js';
import { resolveDatabase } from './db/database.js';
import { startQuell } from './server/start.js';

const production = process.env.NODE_ENV === 'production';
const database = await resolveDatabase();
const server = await startQuell({
  databaseUrl: database.url,
  port: Number(process.env.PORT ?? 4000),
  host: process.env.HOST ?? '127.0.0.1',
  production, // the services read QUELL_PENDING_TTL_HOURS, QUELL_IDEMPOTENCY_TTL_HOURS and QUELL_EXECUTOR
});

console.log(
  `Quell is serving GraphQL at ${server.graphqlUrl} (HTTP, WebSocket, SSE); health at ${server.url}/health`,
);
const secret = tokenSettingsFromEnv().secret;
if (!production && secret) {
  const token = await signToken(
    { sub: 'dev-admin', tid: 'demo', roles: ['admin', 'ingest'], groups: '*' },
    secret,
  );
  console.log(`Development admin token (tenant "demo"):\n  Authorization: Bearer ${token}`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing subscriptions, finishing requests, stopping the database…`);
  await server.close();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
