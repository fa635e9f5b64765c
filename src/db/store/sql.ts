import { Prisma } from '../client.js';
import type { RawSql } from '../raw-sql.js';

/**
 * Helpers for set-based raw SQL. Timestamps columns are `timestamp(3)` holding UTC (as Prisma
 * writes them); raw parameters carry them as UTC text without a zone, cast with `::timestamp`, so
 * neither the driver nor the session time zone can shift them (arrays included).
 */
export function utc(date: Date): string;
export function utc(date: Date | null | undefined): string | null;
export function utc(date: Date | null | undefined): string | null {
  if (!date) return null;
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A value of an array parameter: what a set-based statement's columns hold (timestamps via utc). */
export type ArrayElement = string | number | boolean | null | undefined;

const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) of `values`, bound as ONE parameter and cast to
 * the array type in the statement (`${sqlArray(ids)}::uuid[]`): the same array reaches the
 * database. Why: Prisma handles a raw query's array parameter element by element (its JSON round
 * trip and type tags, then the driver's array encoding), about 2 µs of CPU per element — 4 ms for
 * a 19-column insert of 100 rows — where one string costs about one element.
 */
export function sqlArray(values: readonly ArrayElement[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ',';
    const value = values[i];
    if (value === null || value === undefined) {
      literal += 'NULL';
      continue;
    }
    const text = String(value);
    literal += `"${NEEDS_ESCAPE.test(text) ? text.replace(/["\\]/g, '\\$&') : text}"`;
  }
  return `${literal}}`;
}

/**
 * Runs data-modifying statements (INSERTs without RETURNING) as one statement, `WITH`s of a final
 * SELECT `tail` (default `SELECT 1`): one round trip, one snapshot. They must not depend on each other's rows.
 */
export async function runAsOneStatement(
  tx: RawSql,
  writes: readonly Prisma.Sql[],
  tail: Prisma.Sql | null = null,
): Promise<void> {
  const last = tail ?? Prisma.sql`SELECT 1`;
  if (writes.length === 0) {
    await tx.$executeRaw(last);
    return;
  }
  const parts = writes.map((write, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${write})`);
  await tx.$executeRaw`WITH ${Prisma.join(parts, ', ')} ${last}`;
}
