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
