import type { GraphQLField, GraphQLOutputType } from 'graphql';
import { isListType, isNonNullType } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';
import { limitExceeded } from './limit-error.js';

/**
 * The most an operation may cost: about the number of fields it may resolve. A page of 100
 * incidents with ten nested actions and their devices costs ≈ 10,000; `first: 100` on three nested
 * connections costs over 1,000,000.
 */
export const MAX_COST = 20_000;

/** Lists that are not connections, whose size no argument bounds (an incident's devices). */
const UNBOUNDED_LIST_SIZE = 10;

const isList = (type: GraphQLOutputType): boolean =>
  isListType(type) || (isNonNullType(type) && isListType(type.ofType));

/**
 * What one field costs and how much its selection is multiplied by, computed by
 * @pothos/plugin-complexity on the arguments' values — variables included — before the first
 * root resolver runs: a connection by the page it asks for (`first` / `last`, or the default
 * page size), `nodes` by its ids. A connection's `edges` are that page, not another multiplier.
 */
export function fieldCost<Context>(
  args: Record<string, unknown>,
  _context: Context,
  field: GraphQLField<unknown, Context>,
) {
  if (field.args.some((arg) => arg.name === 'first')) {
    const asked = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
    const page = typeof asked === 'number' ? Math.min(Math.max(asked, 0), MAX_PAGE_SIZE) : 0;
    return { field: 1, multiplier: page };
  }
  if (field.name === 'nodes' && Array.isArray(args.ids)) {
    return { field: 1, multiplier: args.ids.length };
  }
  if (field.name === 'edges') return { field: 1, multiplier: 1 };
  return isList(field.type) ? { field: 1, multiplier: UNBOUNDED_LIST_SIZE } : 1;
}

export function costError(_kind: unknown, result: { complexity: number }) {
  return limitExceeded(
    'cost',
    `The operation would cost ${result.complexity}; at most ${MAX_COST} (each field counts, times the page sizes above it).`,
    { cost: result.complexity, maxCost: MAX_COST },
  );
}
