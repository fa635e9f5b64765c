import type { RawSql } from '../raw-sql.js';

/** Ranks above this are only ever held inside a transaction that is moving groups. */
export const PARKED_RANK = 1_000_000_000;

/**
 * Moves the tenant's groups at rank >= `from` by `by`. Done in two statements through a parking
 * range, so the unique (tenant, rank) index and the rank >= 1 check hold at every row.
 */
export async function shiftGroupRanks(
  tx: RawSql,
  tenantId: string,
  from: number,
  by: 1 | -1,
): Promise<void> {
  await tx.$executeRaw`UPDATE device_groups SET rank = rank + ${PARKED_RANK} WHERE "tenantId" = ${tenantId} AND rank >= ${from} AND rank < ${PARKED_RANK}`;
  await tx.$executeRaw`UPDATE device_groups SET rank = rank - ${PARKED_RANK} + ${by} WHERE "tenantId" = ${tenantId} AND rank > ${PARKED_RANK}`;
}
