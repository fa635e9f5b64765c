import pg from 'pg';
import { developmentTokenSettings, tokenSettingsFrom } from '../auth/tokens.js';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings, type TokenConfig } from '../config.js';
import { createPrismaClient } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { checkServingRole } from '../db/serving-role.js';
import { createStreamHub, type StreamHubOptions } from '../events/hub.js';
import { createServices, type ServiceOptions } from '../services/index.js';
import { createApp } from './app.js';
import { type Logger, silentLogger } from './logger.js';
import type { SlowConsumerLimits } from './ws-transport.js';

export interface StartOptions extends ServiceOptions {
  /** Budgets and the WebSocket cap (default: DEFAULT_RATE_LIMITS; `npm start` passes QUELL_RATE_*). */
  rateLimits?: RateLimitSettings;
  /** The serving role (a member of `quell_app`: no superuser, owns nothing; see src/db/README.md). */
  databaseUrl: string;
  /** The owner of the tables, for migrations (default: databaseUrl). */
  migrationDatabaseUrl?: string;
  /** Pooled connections to databaseUrl (default 10; a test shrinks it to show nothing starves). */
  databasePoolSize?: number;
  port?: number;
  host?: string;
  production?: boolean;
  /** Serve `__schema` / `__type` (default: not in production). */
  introspection?: boolean;
  onQuery?: (sql: string) => void;
  /** Tuning of the action streams (wake-ups, catch-up interval, page size). */
  streams?: Omit<StreamHubOptions, 'prisma' | 'databaseUrl'>;
  maxSubscriptionsPerConnection?: number;
  keepAliveMs?: number;
  shutdownGraceMs?: number;
  slowConsumers?: SlowConsumerLimits;
  /** How bearer tokens are verified (default: the development secret). */
  tokens?: TokenConfig;
  /** Request lines and faults (default: silent). */
  logger?: Logger;
  metricsToken?: string | null;
  graphiqlToken?: string;
  /** Run the automation rule worker on this instance (default true; every instance may). */
  runRuleWorker?: boolean;
  /** Send queued webhook deliveries from this instance (default true; every instance may). */
  runWebhookDelivery?: boolean;
  /** Origins allowed to call with CORS (default: none, same origin only). */
  corsOrigins?: readonly string[];
  /** The hot list reads through the SQL read path (default true; false: Prisma only). */
  sqlReadPath?: boolean;
}

/** Starts one stateless server process on a database: migrations, services, HTTP + WS. */
export async function startQuell(options: StartOptions) {
  const logger = options.logger ?? silentLogger();
  await applyMigrations(options.migrationDatabaseUrl ?? options.databaseUrl);
  await checkServingRole(options.databaseUrl, {
    production: options.production ?? false,
    warn: (message) => logger.warn(message),
  });
  const max = options.databasePoolSize ?? 10;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max });
  const prisma = createPrismaClient(options.databaseUrl, { onQuery: options.onQuery, pool });
  const onError =
    options.onError ?? ((error: unknown, where: string) => logger.error({ err: error }, where));
  const services = createServices(prisma, { ...options, onError });
  const tokens = options.tokens ? tokenSettingsFrom(options.tokens) : developmentTokenSettings();
  const streams = createStreamHub({
    prisma,
    databaseUrl: options.databaseUrl,
    onError,
    ...options.streams,
  });
  await streams.start();
  const rateLimits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const app = createApp({
    ...options,
    prisma,
    services,
    tokens,
    streams,
    logger,
    pool,
    rateLimits,
  });
  const close = async () => {
    await app.close();
    await services.ruleWorker.stop();
    await services.webhookDelivery.stop();
    await streams.close();
    await prisma.$disconnect();
    await pool.end();
  };
  const url = await app
    .listen(options.port ?? 4000, options.host ?? '127.0.0.1')
    .catch(async (error: unknown) => {
      await close();
      throw error;
    });
  if (options.runRuleWorker !== false) services.ruleWorker.start();
  if (options.runWebhookDelivery !== false) services.webhookDelivery.start();
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    prisma,
    services,
    streams,
    metrics: app.metrics,
    wsStats: app.wsStats,
    close,
  };
}
