import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import type { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Identity } from '../auth/identity.js';
import type { TokenSettings } from '../auth/tokens.js';
import { authenticate, authorizationFromConnectionParams } from './authenticate.js';
import { allowedUpgradeOrigin } from './browser-security.js';
import type { RateCharges } from './rate-limit-plugin.js';
import { atExpiry, tokenExpiry } from './token-expiry.js';
import { createWebSocketCap, TRY_AGAIN_LATER } from './ws-connection-cap.js';
import { createWsOperationGate } from './ws-operations.js';
import { type SlowConsumerLimits, useWsTransport } from './ws-transport.js';

type Yoga = ReturnType<typeof createYoga>;
type Enveloped = ReturnType<Yoga['getEnveloped']>;
type WsContextExtra = { identity?: Identity };
type WsContext = Context<Record<string, unknown>, WsContextExtra & { socket: unknown }>;

export interface GraphqlWsOptions {
  httpServer: Server;
  yoga: Yoga;
  tokens: TokenSettings;
  subscribe: (args: ExecutionArgs) => ReturnType<Enveloped['subscribe']>;
  maxSubscriptionsPerConnection: number;
  keepAliveMs: number;
  /** When a WebSocket that does not read what it is sent is cut (see ws-transport.ts). */
  slowConsumers?: SlowConsumerLimits;
  /** Browser origins besides the page's own that may open a socket (QUELL_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  /** Rate budgets: over-budget operations get an `error` message (see ws-operations.ts). */
  charges: RateCharges;
  /** Open sockets per subject on this instance; null: no cap. */
  maxWebSocketsPerSubject: number | null;
}

/** The socket server at /graphql; upgrades from a foreign browser page's origin are refused. */
function webSocketServer(options: GraphqlWsOptions): WebSocketServer {
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    verifyClient: ({ origin, req }: { origin: string | undefined; req: IncomingMessage }) =>
      allowedUpgradeOrigin(origin, req.headers.host, options.corsOrigins ?? []),
  });
  // Listen errors (a port in use) are the HTTP server's to report; ws re-emits them here.
  wsServer.on('error', () => undefined);
  return wsServer;
}

/** GraphQL over WebSocket (graphql-ws) at /graphql, through yoga's envelop. */
export function attachGraphqlWs(options: GraphqlWsOptions) {
  const { yoga, tokens, maxSubscriptionsPerConnection: max } = options;
  const wsServer = webSocketServer(options);
  const connections = new Set<WsContext>();
  const webSockets = createWebSocketCap(options.maxWebSocketsPerSubject);
  const gate = createWsOperationGate<WsContextExtra & { socket: unknown; request: unknown }>({
    maxSubscriptionsPerConnection: max,
    charges: options.charges,
    mask: (error) =>
      error instanceof GraphQLError
        ? error
        : new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    envelop: (ctx, params) =>
      yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        params,
        wsIdentity: ctx.extra.identity,
      } as never),
  });
  const cleanup = useWsTransport<Record<string, unknown>, WsContextExtra>(
    {
      async onConnect(ctx) {
        const accepted = await acceptConnection(ctx, tokens);
        if (!accepted || !ctx.extra.identity) return accepted;
        const release = webSockets.acquire(ctx.extra.identity);
        if (!release) {
          ctx.extra.socket.close(TRY_AGAIN_LATER, 'Too many WebSockets for this subject');
          return false;
        }
        ctx.extra.socket.once('close', release);
        connections.add(ctx as WsContext);
        return accepted;
      },
      onClose: (ctx) => void connections.delete(ctx as WsContext),
      execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args: ExecutionArgs) => options.subscribe(args),
      onSubscribe: (ctx, id, params) => gate(ctx as never, id, params),
    },
    wsServer,
    { keepAliveMs: options.keepAliveMs, ...options.slowConsumers },
  );
  return {
    wsServer,
    dispose: () => cleanup.dispose(),
    /** Slow consumers cut so far, and the largest backlog one had. */
    stats: cleanup.stats,
    /** Operations running on the open connections (subscriptions, mostly). */
    openOperations: () =>
      [...connections].reduce((sum, ctx) => sum + Object.keys(ctx.subscriptions).length, 0),
  };
}

async function acceptConnection(
  ctx: Context<
    Record<string, unknown>,
    WsContextExtra & {
      socket: import('ws').WebSocket;
      request: import('node:http').IncomingMessage;
    }
  >,
  tokens: TokenSettings,
): Promise<boolean> {
  const header =
    authorizationFromConnectionParams(ctx.connectionParams) ??
    ctx.extra.request.headers.authorization;
  const result = await authenticate(header, tokens);
  if ('error' in result) {
    ctx.extra.socket.close(result.error === 'missing' ? 4401 : 4403, result.message.slice(0, 120));
    return false;
  }
  ctx.extra.identity = result.identity;
  // The socket outlives no token: at `exp` it closes with 4403, on which graphql-ws clients
  // reconnect (4401 would be fatal for them) and must bring a fresh token; the new connection
  // re-evaluates identity and scope.
  const expiresAt = tokenExpiry(header);
  if (expiresAt !== null) {
    const socket = ctx.extra.socket;
    const cancel = atExpiry(expiresAt, () => socket.close(4403, 'Token expired'));
    socket.once('close', cancel);
  }
  return true;
}
