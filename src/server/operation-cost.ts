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
  let byDocument = computed.get(input.schema);
  if (!byDocument) {
    byDocument = new WeakMap();
    computed.set(input.schema, byDocument);
  }
  let costs = byDocument.get(input.document);
  if (!costs) {
    costs = new Map();
    byDocument.set(input.document, costs);
  }
  const key = `${input.operationName ?? ''}\u0000${JSON.stringify(input.variables ?? {})}`;
  if (costs.has(key)) return costs.get(key) ?? null;
  const cost = computeCost(input);
  if (costs.size >= COSTS_PER_DOCUMENT) costs.clear();
  costs.set(key, cost);
  return cost;
}

/**
 * Costs already computed, per schema and parsed document (yoga reuses parsed documents), by
 * operation name and variables' values: the cost is a function of those alone (fieldCost reads
 * no context), and the walk was 5 % of the page-10 profile, asked by both the rate limit and
 * the SQL read path. A document asked with ever new variables keeps a bounded set.
 */
const computed = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number | null>>>();
const COSTS_PER_DOCUMENT = 256;

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
