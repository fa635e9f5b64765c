import type { RawSql } from '../raw-sql.js';

/** The lock's key is this prefix and the tenant's id, hashed. */
export const TENANT_LOG_LOCK_PREFIX = 'quell-stream:';

/**
 * Takes a tenant's log lock (transaction-scoped): the stream and the audit log draw a tenant's
 * next ids under it, so ids count per tenant and become visible in id order (src/events/README.md).
 * Taking it again in the same transaction is free. Take it last in a transaction: it is held until
 * commit, and every other writer of the tenant's logs waits for it.
 */
export async function lockTenantLog(tx: RawSql, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${TENANT_LOG_LOCK_PREFIX}${tenantId}`}, 0))`;
}
