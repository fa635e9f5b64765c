import type { Server } from 'node:http';
import type { GraphQLError } from 'graphql';
import type { Identity } from '../auth/identity.js';
import type { TokenSettings } from '../auth/tokens.js';
import type { RateLimitSettings } from '../config.js';
import type { QuellContext } from '../graphql/context.js';
import { attachGraphqlWs } from './graphql-ws-server.js';
import type { createMaskError, createQuellYoga } from './graphql-yoga.js';
import { withInputErrorCodes } from './input-error-codes.js';
import type { RateCharges } from './rate-limit-plugin.js';
import { createSharedSubscribe } from './shared-execution.js';
import type { SlowConsumerLimits } from './ws-transport.js';

export interface WebSocketWiring {
  httpServer: Server;
  yoga: ReturnType<typeof createQuellYoga>;
  tokens: TokenSettings;
  subscribe: ReturnType<typeof createStreamSubscribe>;
  charges: RateCharges;
  rateLimits: RateLimitSettings;
  maxSubscriptionsPerConnection?: number;
  keepAliveMs?: number;
  slowConsumers?: SlowConsumerLimits;
  corsOrigins?: readonly string[];
}

/** Everything in an identity a result may depend on (scope and roles), not the subject. */
function scopeKey(identity: Identity): string {
  const { tenantId, roles, groups, deviceId } = identity;
  return JSON.stringify([tenantId, [...roles].sort(), groups, deviceId]);
}

/**
 * Subscription execution shared by graphql-ws and GraphQL over SSE: each event is executed once
 * per group of identical subscribers (shared-execution.ts). Bad variables are reported outside
 * envelop there: they get their code as over HTTP.
 */
export function createStreamSubscribe(maskError: ReturnType<typeof createMaskError>) {
  return createSharedSubscribe({
    scopeKey: (context) => scopeKey((context as QuellContext).identity),
    mask: (raw) => {
      const result = withInputErrorCodes(raw);
      if (!result.errors) return result;
      const errors = result.errors.map((e) => maskError(e, 'Unexpected error.') as GraphQLError);
      return { ...result, errors };
    },
  });
}

/** graphql-ws at /graphql on the HTTP server, its subscriptions run by `subscribe`. */
export function wireWebSockets(options: WebSocketWiring) {
  const { rateLimits } = options;
  return attachGraphqlWs({
    ...options,
    yoga: options.yoga as never,
    subscribe: options.subscribe as never,
    maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection ?? 100,
    maxWebSocketsPerSubject: rateLimits.enabled ? rateLimits.maxWebSocketsPerSubject : null,
    keepAliveMs: options.keepAliveMs ?? 10_000,
  });
}
