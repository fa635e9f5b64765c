import { complexityFromQuery } from '@pothos/plugin-complexity';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { operationDocument } from '../graphql/limits/index.js';
import { operationKey, Remembered } from './remembered.js';

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
  const key = operationKey(input.operationName, input.variables);
  return computed.get(input.schema, input.document, key, () => computeCost(input));
}

/**
 * Costs already computed, per schema and parsed document (yoga reuses parsed documents), by
 * operation name and variables' values: the cost is a function of those alone (fieldCost reads
 * no context), and the walk was 5 % of the page-10 profile, asked by both the rate limit and
 * the SQL read path.
 */
const computed = new Remembered<number | null>(256);

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
