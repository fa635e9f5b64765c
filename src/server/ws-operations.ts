import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { SubscribePayload, Context as WsContext } from 'graphql-ws';
import type { createYoga } from 'graphql-yoga';
import type { QuellContext } from '../graphql/context.js';
import { costError, MAX_COST } from '../graphql/limits/index.js';
import { operationCost } from './operation-cost.js';
import { rateLimited } from './rate-limit.js';
import type { RateCharges } from './rate-limit-plugin.js';

type Enveloped = ReturnType<ReturnType<typeof createYoga>['getEnveloped']>;

export interface WsOperationGateOptions<Extra> {
  /** Builds the envelop of one operation (yoga's getEnveloped with the socket's identity). */
  envelop: (ctx: WsContext<Record<string, unknown>, Extra>, params: SubscribePayload) => Enveloped;
  maxSubscriptionsPerConnection: number;
  charges: RateCharges;
  /** Masks an unexpected error as the HTTP path does. */
  mask: (error: unknown) => GraphQLError;
}

/** An error graphql-js or a limit raised, with a code when it came without one. */
function typed(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    extensions: { ...error.extensions, code },
  });
}

/**
 * graphql-ws's onSubscribe for Quell: every limit (too many operations, depth, aliases, tokens,
 * cost, rate) answers *that* operation with an `error` message. Anything thrown here would close
 * the whole socket with 4500, which graphql-ws clients treat as fatal, taking every other
 * subscription of the connection (a dashboard) down with it (issue 10 item 7).
 */
export function createWsOperationGate<Extra>(options: WsOperationGateOptions<Extra>) {
  const { maxSubscriptionsPerConnection: max } = options;

  async function admit(
    ctx: WsContext<Record<string, unknown>, Extra>,
    params: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    // graphql-ws has already registered this operation in ctx.subscriptions.
    if (Object.keys(ctx.subscriptions).length > max) {
      return [
        new GraphQLError(`At most ${max} operations may run at once on one connection.`, {
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
        }),
      ];
    }
    const enveloped = options.envelop(ctx, params);
    let document: ReturnType<Enveloped['parse']>;
    try {
      document = enveloped.parse(params.query);
    } catch (error) {
      if (error instanceof GraphQLError) return [typed(error, 'GRAPHQL_PARSE_FAILED')];
      throw error;
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0)
      return errors.map((e: GraphQLError) => typed(e, 'GRAPHQL_VALIDATION_FAILED'));
    const contextValue = (await enveloped.contextFactory()) as unknown as QuellContext;
    const args: ExecutionArgs = {
      schema: enveloped.schema,
      operationName: params.operationName,
      document,
      variableValues: params.variables,
      contextValue,
      rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
    };
    const cost = operationCost({ ...args, variables: params.variables, context: contextValue });
    if (cost !== null && cost > MAX_COST) return [costError(null, { complexity: cost })];
    const charge = await options.charges.charge(args);
    if (charge && !charge.allowed) return [rateLimited(charge)];
    return args;
  }

  return async function onSubscribe(
    ctx: WsContext<Record<string, unknown>, Extra>,
    _id: string,
    params: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    try {
      return await admit(ctx, params);
    } catch (error) {
      return [options.mask(error)];
    }
  };
}
