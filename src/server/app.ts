import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Identity } from '../auth/identity.js';
import type { TokenSettings } from '../auth/tokens.js';
import type { PrismaClient } from '../db/client.js';
import type { StreamHub } from '../events/hub.js';
import type { QuellContext } from '../graphql/context.js';
import { toGraphQLError, unauthenticated } from '../graphql/errors.js';
import { schema } from '../graphql/schema.js';
import type { Services } from '../services/index.js';
import { DomainError } from '../services/index.js';
import { authenticate, authorizationFromConnectionParams } from './authenticate.js';
import { createCsvExport } from './export-csv.js';
import { useInputErrorCodes, withInputErrorCodes } from './input-error-codes.js';
import { createQuellLogger } from './logger.js';
import { createSharedSubscribe } from './shared-execution.js';
import { createSseStreams } from './sse-streams.js';
import { atExpiry, tokenExpiry } from './token-expiry.js';

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
  /** How long shutdown waits for in-flight HTTP requests before cutting them (default 10 s). */
  shutdownGraceMs?: number;
}

/** graphql-ws clients reconnect on 1012; a plain close (1000) or `complete` would end them for good. */
export const SERVICE_RESTART = 1012;

type WsContextExtra = {
  identity?: Identity;
};

/**
 * Everything in an identity a resolver's result may depend on: scope (tenant, groups, device) and
 * roles (field auth). Not the subject: results are shared between users of the same scope.
 */
function scopeKey(identity: Identity): string {
  return JSON.stringify([
    identity.tenantId,
    [...identity.roles].sort(),
    identity.groups,
    identity.deviceId,
  ]);
}

type InitialContext = YogaInitialContext & { wsIdentity?: Identity; req?: IncomingMessage };

/** Builds the HTTP + WebSocket server. Listening and shutdown are the caller's. */
export function createApp(options: AppOptions) {
  const { prisma, services, tokens, streams } = options;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? 100;
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const armor = new EnvelopArmor({
    maxDepth: { n: 12 },
    maxAliases: { n: 30 },
    maxTokens: { n: 4000 },
    maxDirectives: { n: 20 },
    costLimit: { maxCost: 20000 },
    blockFieldSuggestion: { enabled: production },
  });

  function maskError(error: unknown, message: string, isDev?: boolean): Error {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof DomainError) return toGraphQLError(original);
    if (original instanceof GraphQLError) return original;
    if (error instanceof GraphQLError && !error.originalError) return error;
    if (!production && isDev) console.error(original);
    return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }

  // Subscriptions over WebSocket execute each event once per group of identical subscribers.
  const sharedSubscribe = createSharedSubscribe({
    scopeKey: (context) => scopeKey((context as QuellContext).identity),
    mask: (raw) => {
      // Bad variables are reported here, outside envelop: give them their code as over HTTP.
      const result = withInputErrorCodes(raw);
      return result.errors
        ? {
            ...result,
            errors: result.errors.map(
              (e) => maskError(e, 'Unexpected error.', !production) as GraphQLError,
            ),
          }
        : result;
    },
  });

  async function contextFor(initial: InitialContext): Promise<QuellContext> {
    // Over WebSocket there is no Fetch request, only the upgrade request (`req`, Node headers).
    const upgradeRequestId = initial.req?.headers['x-request-id'];
    const requestId =
      initial.request?.headers.get('x-request-id') ??
      (typeof upgradeRequestId === 'string' ? upgradeRequestId : randomUUID());
    let identity = initial.wsIdentity;
    if (!identity) {
      const result = await authenticate(initial.request?.headers.get('authorization'), tokens);
      if ('error' in result) throw unauthenticated(result.message);
      identity = result.identity;
    }
    await services.ensureTenant(identity.tenantId);
    return { requestId, identity, prisma, services, streams };
  }

  const sseStreams = createSseStreams();
  const yoga = createYoga<InitialContext, QuellContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: contextFor,
    landingPage: false,
    graphiql: production ? false : { title: 'Quell' },
    plugins: [...armor.protect().plugins, useInputErrorCodes(), sseStreams.plugin()],
    healthCheckEndpoint: '/health',
    maskedErrors: { maskError },
    logging: createQuellLogger(production),
  });

  const csvExport = createCsvExport({ prisma, tokens });
  // /health (liveness) is yoga's; /ready also proves the database answers.
  const httpServer: Server = createServer((request, response) => {
    if (csvExport.handles(request)) return csvExport.handle(request, response);
    if (request.url === '/ready') {
      prisma.$queryRaw`SELECT 1`.then(
        () =>
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}'),
        () =>
          response
            .writeHead(503, { 'content-type': 'application/json' })
            .end('{"status":"database unavailable"}'),
      );
      return;
    }
    return yoga(request, response);
  });
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, WsContextExtra>(
    {
      async onConnect(ctx) {
        const header =
          authorizationFromConnectionParams(ctx.connectionParams) ??
          ctx.extra.request.headers.authorization;
        const result = await authenticate(header, tokens);
        if ('error' in result) {
          ctx.extra.socket.close(
            result.error === 'missing' ? 4401 : 4403,
            result.message.slice(0, 120),
          );
          return false;
        }
        ctx.extra.identity = result.identity;
        // The socket outlives no token: at `exp` it closes with 4403, on which graphql-ws clients
        // reconnect (4401 would be fatal for them) and must bring a fresh token; the new
        // connection re-evaluates identity and scope.
        const expiresAt = tokenExpiry(header);
        if (expiresAt !== null) {
          const socket = ctx.extra.socket;
          const cancel = atExpiry(expiresAt, () => socket.close(4403, 'Token expired'));
          socket.once('close', cancel);
        }
        return true;
      },
      execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args: ExecutionArgs) => sharedSubscribe(args),
      async onSubscribe(ctx, _id, params) {
        // graphql-ws has already registered this operation in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptions) {
          return [
            new GraphQLError(
              `At most ${maxSubscriptions} operations may run at once on one connection.`,
              {
                extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
              },
            ),
          ];
        }
        const enveloped = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          wsIdentity: ctx.extra.identity,
        } as never);
        const document = enveloped.parse(params.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wsServer,
    options.keepAliveMs ?? 10_000,
  );

  async function listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
    const address = httpServer.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /**
   * Graceful shutdown: stop accepting, tell WebSocket clients to reconnect elsewhere (1012),
   * end SSE streams without `complete` (their clients retry), let in-flight requests finish
   * within the grace period, then cut whatever is left. Clients resume with their last cursor.
   */
  async function close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    for (const socket of wsServer.clients) socket.close(SERVICE_RESTART, 'Service restart');
    sseStreams.endAll();
    await wsCleanup.dispose();
    httpServer.closeIdleConnections();
    const grace = setTimeout(() => {
      httpServer.closeAllConnections();
      for (const socket of wsServer.clients) socket.terminate();
    }, options.shutdownGraceMs ?? 10_000);
    await stopped;
    clearTimeout(grace);
  }

  return { yoga, httpServer, listen, close };
}

type Enveloped = ReturnType<ReturnType<typeof createYoga>['getEnveloped']>;
