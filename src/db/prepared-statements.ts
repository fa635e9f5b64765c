import { createHash } from 'node:crypto';

/**
 * Names for the statements worth preparing once per connection, for the pg adapter's
 * `statementNameGenerator`: the read path's whole-response statements (issue 11). Each is one
 * large statement with a LATERAL sub-select per nested page and row security on every table, so
 * PostgreSQL's planning took a large share of its time per request; a named statement is planned
 * once per connection and then (plan_cache_mode auto) runs a cached generic plan when that costs
 * no more than planning anew.
 *
 * Bounded: a connection never drops a statement it prepared, and clients choose the selection (so
 * the text), so only the first `limit` distinct texts get a name; any other runs unnamed, as
 * every other statement does (an empty name is pg's unnamed statement).
 */
export function preparedStatementNames(limit = 64): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    if (!sql.startsWith(SCOPED_RESPONSE_PREFIX)) return '';
    const known = names.get(sql);
    if (known) return known;
    if (names.size >= limit) return '';
    const name = `quell_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
    return name;
  };
}

/** How queryInScope's statements begin (src/db/tenant-scope.ts). */
export const SCOPED_RESPONSE_PREFIX = `SELECT set_config('quell.tenant_id', $1, true) AS "tenantScope"`;
