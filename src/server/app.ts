import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import type { TokenSettings } from '../auth/tokens.js';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { StreamHub } from '../events/hub.js';
import type { Services } from '../services/index.js';
import { createMaskError, createQuellYoga } from './graphql-yoga.js';
import { createHttpServer } from './http-routes.js';
import { useInputErrorCodes } from './input-error-codes.js';
import { type Logger, silentLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limit.js';
import { RateCharges, useRateLimit } from './rate-limit-plugin.js';
import { useRequestRecord } from './request-log.js';
import { closeGracefully, SERVICE_RESTART } from './shutdown.js';
import { createSseStreams } from './sse-streams.js';
import { createStreamSubscribe, wireWebSockets } from './websocket-wiring.js';
import type { SlowConsumerLimits } from './ws-transport.js';

export { SERVICE_RESTART };

export interface AppOptions {
  prisma: PrismaClient;
  services: Services;
  tokens: TokenSettings;
  streams: StreamHub;
  production?: boolean;
  /** Operations (subscriptions included) one WebSocket may run at once; beyond, an error (default 100). */
  maxSubscriptionsPerConnection?: number;
  /** WebSocket ping interval; a peer that misses a pong for as long is dropped (default 10 s). */
  keepAliveMs?: number;
  /** When a WebSocket that does not read what it is sent is cut (see ws-transport.ts). */
  slowConsumers?: SlowConsumerLimits;
  /** How long shutdown waits for in-flight HTTP requests before cutting them (default 10 s). */
  shutdownGraceMs?: number;
  /** One JSON line per request, and the server's faults (default: silent). */
  logger?: Logger;
  /** The database pool, when the caller owns it: /metrics reports its use. */
  pool?: pg.Pool;
  /** Serve `__schema` / `__type` (default: outside production only). */
  introspection?: boolean;
  /** `/metrics` requires this bearer token when set. */
  metricsToken?: string | null;
  /** Pre-filled in GraphiQL's headers outside production (the development token). */
  graphiqlToken?: string;
  /** Origins allowed to call with CORS (QUELL_CORS_ORIGINS); none: same origin only. */
  corsOrigins?: readonly string[];
  /** Budgets per subject and tenant, and the WebSocket cap (default: DEFAULT_RATE_LIMITS). */
  rateLimits?: RateLimitSettings;
  /** The hot list reads through the SQL read path (default true; false: Prisma only). */
  sqlReadPath?: boolean;
}

/** Builds the HTTP + WebSocket server. Listening and shutdown are the caller's. */
export function createApp(options: AppOptions) {
  const production = options.production ?? false;
  const logger = options.logger ?? silentLogger();
  const metrics = createMetrics({ ...options, openSubscriptions: () => ws.openOperations() });
  const maskError = createMaskError(logger);
  const subscribe = createStreamSubscribe(maskError);
  const sseStreams = createSseStreams(subscribe, options.slowConsumers);
  const rateLimits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const charges = new RateCharges(createRateLimiter(options.prisma, rateLimits));
  const plugins = [
    useInputErrorCodes(),
    useRateLimit(charges),
    sseStreams.plugin(),
    metrics.plugin,
  ];
  const yoga = createQuellYoga({
    ...options,
    production,
    introspection: options.introspection ?? !production,
    logger,
    graphiqlToken: production ? undefined : options.graphiqlToken,
    plugins: [...plugins, useRequestRecord(metrics.countError)],
  });
  const httpServer = createHttpServer({
    ...options,
    production,
    logger,
    metrics,
    metricsToken: options.metricsToken ?? null,
    yoga,
  });
  // tokens, slow-consumer limits and allowed origins come with the options.
  const ws = wireWebSockets({ ...options, httpServer, yoga, subscribe, charges, rateLimits });
  const graceMs = options.shutdownGraceMs ?? 10_000;
  return {
    yoga,
    httpServer,
    metrics: metrics.registry,
    wsStats: ws.stats,
    listen: (port: number, host = '127.0.0.1') => listen(httpServer, port, host),
    close: () => closeGracefully({ httpServer, ws, sseStreams, graceMs }),
  };
}

/** Resolves with the URL once listening; rejects on a listen error (EADDRINUSE). */
function listen(httpServer: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.removeListener('error', reject);
      const address = httpServer.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}
