import type { PrismaClient } from '../client.js';

export interface PendingCount {
  tenant: string;
  group: string;
  count: number;
}

/** Actions waiting for approval, by tenant and device group (read at each /metrics scrape). */
export async function pendingActionsByGroup(prisma: PrismaClient): Promise<PendingCount[]> {
  const rows = await prisma.$queryRaw<{ tenant: string; group: string; count: bigint }[]>`
    SELECT a."tenantId" AS tenant, g.name AS "group", count(*) AS count
    FROM remediation_actions a JOIN device_groups g ON g.id = a."deviceGroupId"
    WHERE a.status = 'PENDING_APPROVAL'
    GROUP BY a."tenantId", g.name`;
  return rows.map((row) => ({ tenant: row.tenant, group: row.group, count: Number(row.count) }));
}

export interface OperationTotal {
  operation: string;
  /** Actions the operation's audit events name. */
  actions: number;
}

/**
 * Actions decided (approve, reject, cancel) and undone, totalled over the audit log: the same,
 * monotonic figure on every server instance, surviving restarts.
 */
export async function decisionTotals(prisma: PrismaClient): Promise<OperationTotal[]> {
  const rows = await prisma.$queryRaw<{ operation: string; actions: bigint }[]>`
    SELECT operation, coalesce(sum(cardinality("targetIds")), 0) AS actions
    FROM audit_events
    WHERE operation IN ('approveRemediationActions', 'rejectRemediationActions',
                        'cancelRemediationActions', 'undoRemediationActions')
    GROUP BY operation`;
  return rows.map((row) => ({ operation: row.operation, actions: Number(row.actions) }));
}
