import { ALL_TENANTS, scopedClient } from '../db/tenant-scope.js';
import { terminateIdleInvestigations } from './investigation-timeout.js';
import { systemActor } from './kernel/actor.js';
import { purgeExpiredIdempotencyKeys } from './kernel/idempotency.js';
import { runSystemWork } from './kernel/run-mutation.js';
import type { ServiceDeps } from './kernel/work.js';
import { lockActions } from './remediation/action-transitions.js';
import { completeStaleDispatched } from './remediation/execution.js';
import { expireOverdue } from './remediation/expiry.js';

const BATCH = 500;

/**
 * Moves pending actions past their expiry to EXPIRED (SPEC §3.4), in batches, a tenant at a time.
 * Safe on every instance at once: rows are locked and re-read, and the update is conditional, so
 * an action expires exactly once. Returns how many expired.
 */
export async function expirePendingActions(deps: ServiceDeps): Promise<number> {
  let total = 0;
  for (;;) {
    const now = deps.now();
    // Across tenants by design: each tenant's batch then runs in that tenant's own scope.
    const overdue = await scopedClient(deps.prisma, ALL_TENANTS).remediationAction.findMany({
      where: { status: 'PENDING_APPROVAL', expiresAt: { lte: now } },
      select: { id: true, tenantId: true },
      orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
      take: BATCH,
    });
    if (overdue.length === 0) return total;
    const byTenant = new Map<string, string[]>();
    for (const row of overdue)
      byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.id]);
    let expired = 0;
    for (const [tenantId, ids] of byTenant) {
      const before = await runSystemWork(
        deps,
        systemActor(tenantId, 'system:expiry'),
        'expireRemediationActions',
        async (work) => {
          const rows = await lockActions(work, ids);
          const after = await expireOverdue(work, rows);
          return after.filter(
            (row, i) => row.status === 'EXPIRED' && rows[i]?.status === 'PENDING_APPROVAL',
          ).length;
        },
      );
      expired += before;
    }
    total += expired;
    if (overdue.length < BATCH || expired === 0) return total;
  }
}

export interface SweepReport {
  expired: number;
  investigationsEnded: number;
  settled: number;
  purgedKeys: number;
}

/** One pass of the background work: expiry, idle investigations, stale dispatched work, expired keys. */
export async function sweep(
  deps: ServiceDeps,
  staleDispatchMs: number,
  investigationTimeoutMs: number,
): Promise<SweepReport> {
  const expired = await expirePendingActions(deps);
  const investigationsEnded = await terminateIdleInvestigations(deps, investigationTimeoutMs);
  const settled = await completeStaleDispatched(deps, staleDispatchMs);
  const purgedKeys = await purgeExpiredIdempotencyKeys(
    scopedClient(deps.prisma, ALL_TENANTS),
    deps.now(),
  );
  return { expired, investigationsEnded, settled, purgedKeys };
}
