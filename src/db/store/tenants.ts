import type { RawSql } from '../raw-sql.js';

/** Inserts the tenant on plan PLAN_2 unless it exists; true when this call created it. */
export async function insertTenantIfAbsent(tx: RawSql, tenantId: string): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO tenants (id, name, plan) VALUES (${tenantId}, ${tenantId}, 'PLAN_2')
    ON CONFLICT (id) DO NOTHING`;
  return inserted === 1;
}

/** Locks the tenant row (FOR UPDATE) and returns its plan, or null when there is no such tenant. */
export async function lockTenant(
  tx: RawSql,
  tenantId: string,
): Promise<{ plan: 'PLAN_1' | 'PLAN_2' | 'BUSINESS' } | null> {
  const [tenant] = await tx.$queryRaw<{ plan: 'PLAN_1' | 'PLAN_2' | 'BUSINESS' }[]>`
    SELECT plan FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
  return tenant ?? null;
}
