import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QuellContext } from '../graphql/context.js';
import { MAX_COST } from '../graphql/limits/index.js';
import { operationCost } from './operation-cost.js';
import { costExtension, type RateCharge, type RateLimiter, rateLimited } from './rate-limit.js';

/**
 * Charges operations to their budgets once each. The WebSocket path charges in graphql-ws's
 * onSubscribe (so a refusal is that operation's `error` message) and records the charge here,
 * keyed by the operation's context, so that execution does not charge it again.
 */
export class RateCharges {
  private readonly byContext = new WeakMap<object, RateCharge | null>();

  constructor(private readonly limiter: RateLimiter) {}

  /** Charges the operation of `args`, unless its cost is over the cost limit (refused anyway). */
  async charge(args: ExecutionArgs): Promise<RateCharge | null> {
    const context = args.contextValue as QuellContext;
    if (this.byContext.has(context)) return this.byContext.get(context) ?? null;
    const cost = operationCost({
      schema: args.schema,
      document: args.document,
      operationName: args.operationName,
      variables: args.variableValues,
      context,
    });
    if (cost !== null && cost > MAX_COST) return null;
    const charge = await this.limiter.charge(context.identity, cost ?? 0);
    this.byContext.set(context, charge);
    return charge;
  }
}

function withCost(result: ExecutionResult, charge: RateCharge): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost: costExtension(charge) } };
}

/**
 * HTTP and SSE: an operation over budget is answered RATE_LIMITED (HTTP 429, Retry-After) before
 * it runs; a served one carries what it cost and what is left in `extensions.cost`.
 */
export function useRateLimit(charges: RateCharges): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const charge = await charges.charge(args);
      if (!charge) return;
      if (!charge.allowed) {
        setResultAndStopExecution({ errors: [rateLimited(charge)] });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) setResult(withCost(result, charge));
        },
      };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const charge = await charges.charge(args);
      if (charge && !charge.allowed) setResultAndStopExecution({ errors: [rateLimited(charge)] });
    },
  };
}
