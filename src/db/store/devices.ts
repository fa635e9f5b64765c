import type { RawSql } from '../raw-sql.js';

/** Locks a device of the tenant (FOR NO KEY UPDATE), so its alerts correlate one at a time. */
export async function lockDevice(tx: RawSql, tenantId: string, id: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM devices WHERE id = ${id}::uuid AND "tenantId" = ${tenantId} FOR NO KEY UPDATE`;
}
