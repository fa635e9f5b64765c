import { tokenSettingsFromEnv } from '../auth/tokens.js';
import { createPrismaClient } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { createStreamHub, type StreamHubOptions } from '../events/hub.js';
import { createServices, type ServiceOptions } from '../services/index.js';
import { createApp } from './app.js';
import type { SlowConsumerLimits } from './ws-transport.js';

export interface StartOptions extends ServiceOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  production?: boolean;
  onQuery?: (sql: string) => void;
  /** Tuning of the action streams (wake-ups, catch-up interval, page size). */
  streams?: Omit<StreamHubOptions, 'prisma' | 'databaseUrl'>;
  maxSubscriptionsPerConnection?: number;
  keepAliveMs?: number;
  shutdownGraceMs?: number;
  slowConsumers?: SlowConsumerLimits;
}

/** Starts one stateless server process on a database: migrations, services, HTTP + WS. */
export async function startQuell(options: StartOptions) {
  await applyMigrations(options.databaseUrl);
  const prisma = createPrismaClient(options.databaseUrl, { onQuery: options.onQuery });
  const services = createServices(prisma, options);
  const tokens = tokenSettingsFromEnv();
  const streams = createStreamHub({ prisma, databaseUrl: options.databaseUrl, ...options.streams });
  await streams.start();
  const app = createApp({
    prisma,
    services,
    tokens,
    streams,
    production: options.production,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection,
    keepAliveMs: options.keepAliveMs,
    shutdownGraceMs: options.shutdownGraceMs,
    slowConsumers: options.slowConsumers,
  });
  const url = await app.listen(options.port ?? 4000, options.host ?? '127.0.0.1');
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    prisma,
    services,
    streams,
    wsStats: app.wsStats,
    async close() {
      await app.close();
      await streams.close();
      await prisma.$disconnect();
    },
  };
}
