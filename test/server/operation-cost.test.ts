// The operation's cost is remembered per parsed document and variables (src/server/operation-cost.ts)
// because the rate limit and the SQL read path ask for it on every request; a remembered cost must
// never stand in for another operation's, or for the same document with other variables.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { operationCost } from '../../src/server/operation-cost.js';

const PAGE = parse(`query Page($first: Int!) { incidents(first: $first) { edges { node { id
  evidence(first: $first) { edges { node { id } } } } } } }`);
const SMALL = parse('query Small { incidents(first: 1) { edges { node { id } } } }');

describe('remembered operation costs', () => {
  it('follows the variables and the document asked about, not the first answer', () => {
    const context = {};
    const cost = (document: typeof PAGE, variables: Record<string, unknown>) =>
      operationCost({ schema, document, variables, context });
    const ten = { first: 10 };
    const atTen = cost(PAGE, ten);
    expect(atTen).toBeGreaterThan(0);
    expect(cost(PAGE, ten)).toBe(atTen);
    const atFifty = cost(PAGE, { first: 50 });
    expect(atFifty).toBeGreaterThan(atTen!);
    expect(cost(SMALL, ten)).toBeLessThan(atTen!);
    expect(operationCost({ schema, document: PAGE, variables: { first: 10 }, context: {} })).toBe(
      atTen,
    );
    expect(cost(PAGE, { first: 'ten' })).toBeNull();
  });
});
