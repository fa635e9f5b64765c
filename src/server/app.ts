import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLError } from 'graphql';
import type pg from 'pg';
import type { Identity } from '../auth/identity.js';
import type { TokenSettings } from '../auth/tokens.js';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { StreamHub } from '../events/hub.js';
import type { QuellContext } from '../graphql/context.js';
import type { Services } from '../services/index.js';
import { createCsvExport } from './export-csv.js';
import { attachGraphqlWs } from './graphql-ws-server.js';
import { createMaskError, createQuellYoga } from './graphql-yoga.js';
import { useInputErrorCodes, withInputErrorCodes } from './input-error-codes.js';
import { type Logger, silentLogger } from './logger.js';
import { createMetrics, serveMetrics } from './metrics.js';
import { createRateLimiter } from './rate-limit.js';
import { RateCharges, useRateLimit } from './rate-limit-plugin.js';
import { serveReady } from './readiness.js';
import { beginRequest, useRequestRecord } from './request-log.js';
import { createSharedSubscribe } from './shared-execution.js';
import { closeGracefully, SERVICE_RESTART } from './shutdown.js';
import { createSseStreams } from './sse-streams.js';
import { createWebPage } from './web-page.js';
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
}

type Route = (request: IncomingMessage, response: ServerResponse) => unknown;

/** Everything in an identity a result may depend on (scope and roles), not the subject. */
function scopeKey(identity: Identity): string {
  const { tenantId, roles, groups, deviceId } = identity;
  return JSON.stringify([tenantId, [...roles].sort(), groups, deviceId]);
}

/** Builds the HTTP + WebSocket server. Listening and shutdown are the caller's. */
export function createApp(options: AppOptions) {
  const production = options.production ?? false;
  const logger = options.logger ?? silentLogger();
  const metrics = createMetrics({ ...options, openSubscriptions: () => ws.openOperations() });
  const sseStreams = createSseStreams();
  const maskError = createMaskError(logger);
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
  // Subscriptions over WebSocket execute each event once per group of identical subscribers;
  // bad variables are reported outside envelop there: give them their code as over HTTP.
  const sharedSubscribe = createSharedSubscribe({
    scopeKey: (context) => scopeKey((context as QuellContext).identity),
    mask: (raw) => {
      const result = withInputErrorCodes(raw);
      if (!result.errors) return result;
      const errors = result.errors.map((e) => maskError(e, 'Unexpected error.') as GraphQLError);
      return { ...result, errors };
    },
  });
  // Exact paths first; yoga serves /graphql, /health and everything else.
  const routes: Record<string, Route> = {
    '/ready': (_request, response) => serveReady(options.prisma, response),
    '/metrics': (request, response) =>
      serveMetrics(metrics.registry, options.metricsToken ?? null, request, response),
  };
  const webPage = createWebPage({ production, tokens: options.tokens });
  const csvExport = createCsvExport({ prisma: options.prisma, tokens: options.tokens });
  const httpServer: Server = createServer((request, response) => {
    beginRequest(logger, request, response);
    if (webPage(request, response)) return;
    if (csvExport.handles(request)) return csvExport.handle(request, response);
    const route = routes[request.url?.split('?')[0] ?? ''] ?? yoga;
    return route(request, response);
  });
  // tokens, slow-consumer limits and allowed origins come with the options.
  const ws = attachGraphqlWs({
    ...options,
    httpServer,
    yoga: yoga as never,
    subscribe: sharedSubscribe as never,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection ?? 100,
    charges,
    maxWebSocketsPerSubject: rateLimits.enabled ? rateLimits.maxWebSocketsPerSubject : null,
    keepAliveMs: options.keepAliveMs ?? 10_000,
  });
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
