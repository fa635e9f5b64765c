import { Prisma, type Transaction } from '../db/client.js';
import { lockTenantLog, sqlArray } from '../db/store/index.js';
import type { RemediationActionStatus, RemediationActionType } from '../generated/prisma/enums.js';

/** One change of an action's status, as the stream tells it (SPEC §4). */
export interface ActionStatusChange {
  tenantId: string;
  actionId: string;
  deviceGroupId: string;
  deviceId: string;
  incidentId: string | null;
  actionType: RemediationActionType;
  previousStatus: RemediationActionStatus | null;
  status: RemediationActionStatus;
}

/** The PostgreSQL channel that wakes stream readers on every instance; the payload is the tenant. */
export const STREAM_CHANNEL = 'quell_stream';

/**
 * Appends status-change events inside the transaction that makes the change. Call it last in the
 * transaction: it takes a per-tenant transaction lock, so a tenant's events commit in id order and
 * a reader that has seen id N will never later see a smaller id appear (no gap on resume). Ids
 * count per tenant, so a cursor reveals nothing of other tenants' activity.
 * The NOTIFY is delivered only if the transaction commits.
 */
export async function appendActionEvents(
  tx: Transaction,
  changes: readonly ActionStatusChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const tenants = [...new Set(changes.map((c) => c.tenantId))].sort();
  for (const tenantId of tenants) await lockTenantLog(tx, tenantId);
  // A tenant's next positions: its largest id plus the row's place (the snapshot of this statement
  // is taken under the lock, so it sees every earlier writer's committed events).
  await tx.$executeRaw(actionEventsInsert(changes));
  for (const tenantId of tenants) {
    await tx.$executeRaw`SELECT pg_notify(${STREAM_CHANNEL}, ${tenantId})`;
  }
}

/**
 * appendActionEvents' INSERT as a statement to run with others, for a caller that already holds
 * the tenants' log locks (the kernel's closing steps): the ids come from the statement's snapshot.
 */
export function actionEventsInsert(changes: readonly ActionStatusChange[]): Prisma.Sql {
  // One array literal per column (sqlArray: Prisma's per-element cost).
  const col = (pick: (c: ActionStatusChange) => string | null) => sqlArray(changes.map(pick));
  const tenants = sqlArray([...new Set(changes.map((c) => c.tenantId))]);
  // Each tenant's largest id is read once (`last`, fenced by OFFSET 0 so the planner cannot pull
  // it back into a sub-select per row). Per row, a log whose statistics are stale (it grew since
  // the last ANALYZE) is planned as a bitmap scan of the tenant's whole log for every event
  // written (the audit log's insert, of the same shape: 3,334 rows over 10,001 took 35 s as
  // quell_app under EXPLAIN ANALYZE, 0.2 s once the table was analyzed).
  return Prisma.sql`
    INSERT INTO stream_events (id, "tenantId", "actionId", "deviceGroupId", "deviceId", "incidentId", "actionType", "previousStatus", "status")
    SELECT last.id + row_number() OVER (PARTITION BY t.tenant ORDER BY t.n),
           t.tenant, t.action::uuid, t.grp::uuid, t.device::uuid, t.incident::uuid, t.type::"RemediationActionType",
           t.prev::"RemediationActionStatus", t.status::"RemediationActionStatus"
    FROM unnest(${col((c) => c.tenantId)}::text[], ${col((c) => c.actionId)}::text[],
                ${col((c) => c.deviceGroupId)}::text[], ${col((c) => c.deviceId)}::text[],
                ${col((c) => c.incidentId)}::text[],
                ${col((c) => c.actionType)}::text[], ${col((c) => c.previousStatus)}::text[],
                ${col((c) => c.status)}::text[])
         WITH ORDINALITY AS t(tenant, action, grp, device, incident, type, prev, status, n)
    JOIN (
      SELECT l.tenant, (SELECT COALESCE(MAX(s.id), 0) FROM stream_events s WHERE s."tenantId" = l.tenant) AS id
      FROM unnest(${tenants}::text[]) AS l(tenant) OFFSET 0
    ) last ON last.tenant = t.tenant
    ORDER BY t.n`;
}

/** The NOTIFY of each tenant with events, as a SELECT (delivered only if the transaction commits). */
export function notifyTenants(tenantIds: readonly string[]): Prisma.Sql {
  return Prisma.sql`SELECT pg_notify(${STREAM_CHANNEL}, t) FROM unnest(${[...tenantIds]}::text[]) AS t`;
}
