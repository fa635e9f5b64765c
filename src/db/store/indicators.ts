import type { RawSql } from '../raw-sql.js';

/** A row of `indicatorsOfShas`. */
export interface IndicatorRow {
  id: string;
  sha256: string;
  action: 'BLOCK' | 'ALLOW';
  title: string | null;
  expiresAt: Date | null;
}

/**
 * The tenant's indicators on any of `shas` (at most one per sha256: the unique key), expired
 * ones included — which apply at an instant is the policy's rule. One statement for a whole
 * batch, by the (tenantId, sha256) index.
 */
export async function indicatorsOfShas(
  tx: RawSql,
  tenantId: string,
  shas: readonly string[],
): Promise<IndicatorRow[]> {
  if (shas.length === 0) return [];
  // The expiry goes out as ISO text: `timestamp` values hold UTC, and no session time zone may shift them.
  const rows = await tx.$queryRaw<
    (Omit<IndicatorRow, 'expiresAt'> & { expiresAt: string | null })[]
  >`
    SELECT id::text, sha256, action::text AS action, title,
           to_char("expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "expiresAt"
    FROM indicators
    WHERE "tenantId" = ${tenantId} AND sha256 = ANY(${[...shas]}::text[])`;
  return rows.map((row) => ({
    ...row,
    expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt),
  }));
}
