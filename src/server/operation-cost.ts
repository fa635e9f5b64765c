import { complexityFromQuery } from '@pothos/plugin-complexity';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { operationDocument } from '../graphql/limits/index.js';

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  context: object;
}

/**
 * The operation's cost as the cost limit computes it (@pothos/plugin-complexity, on the variables'
 * values). Null when it cannot be computed (variables that do not fit): execution then refuses the
 * operation itself, and the rate limit charges it the minimum.
 */
export function operationCost(input: CostInput): number | null {
  const known = computed.get(input.context);
  if (
    known?.document === input.document &&
    known.operationName === input.operationName &&
    known.variables === input.variables
  )
    return known.cost;
  const cost = computeCost(input);
  computed.set(input.context, { ...input, cost });
  return cost;
}

/**
 * The last cost computed per request context: the rate limit charges it and the SQL read path
 * checks it against the limit, for the same operation (a fifth of the cost walk's share of the
 * page-10 profile went to the second walk). Keyed by the very document and variables objects, so
 * another operation on the same context is computed afresh.
 */
const computed = new WeakMap<object, CostInput & { cost: number | null }>();

function computeCost(input: CostInput): number | null {
  try {
    return complexityFromQuery(operationDocument(input.document, input.operationName), {
      schema: input.schema,
      ctx: input.context,
      variables: (input.variables ?? {}) as Record<string, unknown>,
    }).complexity;
  } catch {
    return null;
  }
}
