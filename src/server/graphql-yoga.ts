import type { IncomingMessage } from 'node:http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { Identity } from '../auth/identity.js';
import type { TokenSettings } from '../auth/tokens.js';
import type { PrismaClient } from '../db/client.js';
import { scopedClient, tenantScope } from '../db/tenant-scope.js';
import type { StreamHub } from '../events/hub.js';
import { prismaDiagnostics } from '../graphql/builder.js';
import type { QuellContext } from '../graphql/context.js';
import { toGraphQLError, unauthenticated } from '../graphql/errors.js';
import { operationLimits } from '../graphql/limits/index.js';
import { schema } from '../graphql/schema.js';
import type { Services } from '../services/index.js';
import { DomainError } from '../services/index.js';
import { authenticate } from './authenticate.js';
import { corsPolicy, useBrowserCsrfPrevention } from './browser-security.js';
import { useFastReads } from './fast-reads-plugin.js';
import { type Logger, yogaLogger } from './logger.js';
import { recordOf, requestIdFrom } from './request-log.js';

export type InitialContext = YogaInitialContext & { wsIdentity?: Identity; req?: IncomingMessage };

export interface QuellYogaOptions {
  prisma: PrismaClient;
  services: Services;
  tokens: TokenSettings;
  streams: StreamHub;
  production: boolean;
  /** Serve `__schema` / `__type`. */
  introspection: boolean;
  logger: Logger;
  // biome-ignore lint/suspicious/noExplicitAny: yoga's own type for a list of envelop and yoga plugins
  plugins: Plugin<any>[];
  /** Pre-filled in GraphiQL's headers (development only). */
  graphiqlToken?: string;
  /** Origins allowed to call with CORS; none: same origin only. */
  corsOrigins?: readonly string[];
  /** The hot list reads through the SQL read path (default true; false: Prisma only). */
  sqlReadPath?: boolean;
}

/** Domain errors keep their code; anything unexpected is logged and masked as INTERNAL_SERVER_ERROR. */
export function createMaskError(logger: Logger) {
  return function maskError(error: unknown, message: string): Error {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof DomainError) return toGraphQLError(original);
    if (original instanceof GraphQLError) return original;
    if (error instanceof GraphQLError && !error.originalError) return error;
    logger.error({ err: original }, 'unexpected error in a resolver');
    return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}

/** The request's identity and id, as resolvers see them; the caller goes into the request's log line. */
function contextFactory(options: QuellYogaOptions) {
  const { prisma, services, tokens, streams } = options;
  const sqlReadPath = options.sqlReadPath ?? true;
  return async (initial: InitialContext): Promise<QuellContext> => {
    // Over WebSocket there is no Fetch request, only the upgrade request (`req`, Node headers).
    const record = recordOf(initial.req);
    const requestId = record?.requestId ?? requestIdFrom(initial.req?.headers['x-request-id']);
    let identity = initial.wsIdentity;
    if (!identity) {
      const result = await authenticate(initial.request?.headers.get('authorization'), tokens);
      if ('error' in result) throw unauthenticated(result.message);
      identity = result.identity;
    }
    if (record) Object.assign(record, { subject: identity.subject, tenant: identity.tenantId });
    await services.ensureTenant(identity.tenantId);
    // Resolvers read in the caller's tenant scope (the database's row-level security): each read
    // is its own short batch transaction that sets the scope first, so no request holds a pooled
    // connection between reads, nor while a mutation's service transaction waits for one.
    const tenantPrisma = scopedClient(prisma, tenantScope(identity.tenantId));
    return { requestId, identity, prisma: tenantPrisma, services, streams, sqlReadPath };
  };
}

export function createQuellYoga(options: QuellYogaOptions) {
  const { production, introspection, logger } = options;
  // A Prisma selection a resolver left unused is a development warning (the schema is built once).
  prismaDiagnostics.onUnusedQuery = production
    ? null
    : (info) => logger.warn({ path: info.path }, 'a prisma query was not used by its resolver');
  const headers = options.graphiqlToken
    ? JSON.stringify({ Authorization: `Bearer ${options.graphiqlToken}` }, null, 2)
    : undefined;
  return createYoga<InitialContext, QuellContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: contextFactory(options),
    landingPage: false,
    // GraphiQL's assets come from the npm package, not a CDN: it works with no internet access.
    graphiql: production ? false : { title: 'Quell', headers, shouldPersistHeaders: false },
    renderGraphiQL,
    cors: corsPolicy(options.corsOrigins ?? []),
    plugins: [
      useBrowserCsrfPrevention(),
      ...operationLimits({ production, introspection }),
      ...options.plugins,
      // Last: it answers only operations every check above has let through.
      useFastReads(options.logger),
    ],
    healthCheckEndpoint: '/health',
    maskedErrors: { maskError: createMaskError(options.logger) },
    logging: yogaLogger(options.logger),
  });
}
