import { Prisma, type Transaction } from '../client.js';

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

/**
 * Runs data-modifying statements (INSERTs without RETURNING) as one statement, `WITH`s of a final
 * SELECT `tail` (default `SELECT 1`): one round trip, one snapshot. They must not depend on each other's rows.
 */
export async function runAsOneStatement(
  tx: Transaction,
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
