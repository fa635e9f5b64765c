import type {
  RemediationActionStatus,
  RemediationActionType,
  Severity,
} from '../../generated/prisma/enums.js';
import type { PrismaClient } from '../client.js';

/**
 * Takes (or renews) the tenant's rule-worker lease for `owner` until `leaseMs` from now, when it
 * is free, expired or already this owner's. Returns the log position to read after, or null when
 * another instance holds the lease. One statement: two instances cannot both win it.
 */
export async function takeAutomationLease(
  prisma: PrismaClient,
  tenantId: string,
  owner: string,
  leaseMs: number,
): Promise<bigint | null> {
  const rows = await prisma.$queryRaw<{ lastEventId: bigint }[]>`
    INSERT INTO automation_positions ("tenantId", "lastEventId", "leaseOwner", "leaseUntil")
    VALUES (${tenantId}, COALESCE((SELECT max(id) FROM stream_events WHERE "tenantId" = ${tenantId}), 0),
            ${owner}, (now() AT TIME ZONE 'UTC') + ${leaseMs} * interval '1 millisecond')
    ON CONFLICT ("tenantId") DO UPDATE
      SET "leaseOwner" = EXCLUDED."leaseOwner", "leaseUntil" = EXCLUDED."leaseUntil"
      WHERE automation_positions."leaseOwner" = ${owner}
         OR automation_positions."leaseUntil" IS NULL
         OR automation_positions."leaseUntil" < (now() AT TIME ZONE 'UTC')
    RETURNING "lastEventId"`;
  return rows[0]?.lastEventId ?? null;
}

/** Moves the tenant's position forward, only while `owner` still holds the lease. */
export async function advanceAutomationPosition(
  prisma: PrismaClient,
  tenantId: string,
  owner: string,
  eventId: bigint,
): Promise<boolean> {
  const moved = await prisma.$executeRaw`
    UPDATE automation_positions SET "lastEventId" = ${eventId}
    WHERE "tenantId" = ${tenantId} AND "leaseOwner" = ${owner} AND "lastEventId" < ${eventId}`;
  return moved === 1;
}

/** Gives the lease up (a server stopping), so another instance takes over at once. */
export async function releaseAutomationLease(prisma: PrismaClient, owner: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE automation_positions SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE "leaseOwner" = ${owner}`;
}

/** An event of the action log with what rule conditions read. */
export interface AutomationEventRow {
  id: bigint;
  actionId: string;
  previousStatus: RemediationActionStatus | null;
  status: RemediationActionStatus;
  actionType: RemediationActionType;
  deviceGroupId: string;
  sha256: string | null;
  severity: Severity | null;
  deviceId: string | null;
  incidentId: string | null;
  occurredAt: Date;
}

/** The tenant's events after `afterId`, oldest first, with the action's sha256 and incident severity. */
export function readAutomationEvents(
  prisma: PrismaClient,
  tenantId: string,
  afterId: bigint,
  limit: number,
): Promise<AutomationEventRow[]> {
  return prisma.$queryRaw<AutomationEventRow[]>`
    SELECT e.id, e."actionId", e."previousStatus", e.status, e."actionType", e."deviceGroupId",
           a.sha256, i.severity, e."deviceId", e."incidentId", e."occurredAt"
    FROM stream_events e
    JOIN remediation_actions a ON a.id = e."actionId"
    LEFT JOIN incidents i ON i.id = a."incidentId"
    WHERE e."tenantId" = ${tenantId} AND e.id > ${afterId}
    ORDER BY e.id
    LIMIT ${limit}`;
}

/** Tenants with at least one enabled rule: the only logs the worker reads. */
export async function tenantsWithEnabledRules(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ tenantId: string }[]>`
    SELECT DISTINCT "tenantId" FROM automation_rules WHERE enabled`;
  return rows.map((row) => row.tenantId);
}

/** The id of the tenant's newest log event (0 for an empty log): where a new or re-enabled rule starts. */
export async function endOfActionLog(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  tenantId: string,
): Promise<bigint> {
  const rows = await prisma.$queryRaw<{ id: bigint | null }[]>`
    SELECT max(id) AS id FROM stream_events WHERE "tenantId" = ${tenantId}`;
  return rows[0]?.id ?? 0n;
}
