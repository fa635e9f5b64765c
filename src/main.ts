// `npm start`: the API on an embedded PostgreSQL (or DATABASE_URL), with a development token.
import { signToken } from './auth/tokens.js';
import { ConfigError, loadConfig, type QuellConfig } from './config.js';
import { type ResolvedDatabase, resolveDatabase } from './db/database.js';
import { isPortFree } from './db/embedded-postgres.js';
import { createLogger, type Logger } from './server/logger.js';
import { startQuell } from './server/start.js';

/** What an operator must fix: one line on stderr, no stack, exit code 2. */
function refuse(message: string): never {
  process.stderr.write(`quell: ${message}\n`);
  process.exit(2);
}

function developmentToken(config: QuellConfig): Promise<string> | undefined {
  if (config.production || !config.tokens.secret) return undefined;
  const claims = {
    sub: 'dev-admin',
    tid: 'demo',
    roles: ['admin', 'ingest'],
    groups: '*' as const,
  };
  return signToken(claims, new TextEncoder().encode(config.tokens.secret));
}

async function start(config: QuellConfig, logger: Logger, database: ResolvedDatabase) {
  const token = await developmentToken(config);
  const server = await startQuell({
    ...config.services,
    databaseUrl: database.url,
    migrationDatabaseUrl: database.migrationUrl,
    port: config.port,
    host: config.host,
    production: config.production,
    introspection: config.introspection,
    tokens: config.tokens,
    metricsToken: config.metricsToken,
    corsOrigins: config.corsOrigins,
    rateLimits: config.rateLimits,
    sqlReadPath: config.sqlReadPath,
    logger,
    graphiqlToken: token,
  });
  logger.info(
    { url: server.graphqlUrl, health: `${server.url}/health`, metrics: `${server.url}/metrics` },
    `Quell is serving GraphQL at ${server.graphqlUrl} (HTTP, WebSocket, SSE)`,
  );
  if (token)
    console.log(`Development admin token (tenant "demo"):\n  Authorization: Bearer ${token}`);
  return server;
}

/** Stops in order: no new requests, in-flight ones finish, subscriptions get 1012, then the database. */
function stopOnSignals(logger: Logger, close: () => Promise<void>, database: ResolvedDatabase) {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests, closing subscriptions');
    await close();
    logger.info('requests finished; stopping the database');
    await database.stop();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  let config: QuellConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) refuse(error.message);
    throw error;
  }
  const logger = createLogger(config.log);
  // Said before PostgreSQL starts, so a busy port leaves nothing running behind.
  if (config.port !== 0 && !(await isPortFree(config.port, config.host)))
    refuse(`PORT ${config.port} is already in use on ${config.host}`);
  const database = await resolveDatabase(config, (line) => logger.info(line)).catch(
    (error: unknown) => refuse(error instanceof Error ? error.message : String(error)),
  );
  try {
    const server = await start(config, logger, database);
    stopOnSignals(logger, server.close, database);
  } catch (error) {
    await database.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') refuse(`PORT ${config.port} is already in use on ${config.host}`);
    if (code === 'EADDRNOTAVAIL') refuse(`HOST ${config.host} is not an address of this machine`);
    throw error;
  }
}

await main();
