import type { RemediationAction } from '../../generated/prisma/client.js';
import { Prisma } from '../client.js';
import type { RawSql } from '../raw-sql.js';
import type { DerivedRowLocks } from './derived-states.js';
import { type DeviceScopeTerms, deviceInScope } from './device-scope.js';
import { type ArrayElement, sqlArray, utc } from './sql.js';

/** One remediation action to insert in its entry status. */
export interface ActionRow {
  id: string;
  deviceId: string;
  deviceGroupId: string;
  type: string;
  source: string;
  status: string;
  evidenceId: string | null;
  investigationId: string | null;
  incidentId: string | null;
  sha256: string | null;
  openTargetKey: string;
  decision: string | null;
  explanation: string | null;
  requestedBy: string | null;
  comment: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  undoable: boolean;
  expiresAt: Date | null;
}

/**
 * Inserts actions set-based, skipping (ON CONFLICT DO NOTHING) any that would be a second action
 * on the same evidence or a second open action on the same target. Returns the ids inserted.
 */
export async function insertActionRows(
  tx: RawSql,
  tenantId: string,
  now: Date,
  rows: readonly ActionRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const col = (pick: (r: ActionRow) => ArrayElement) => sqlArray(rows.map(pick));
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO remediation_actions (id, "tenantId", "deviceId", "deviceGroupId", type, source, status, "evidenceId",
      "investigationId", "incidentId", sha256, "openTargetKey", decision, explanation, "requestedBy", comment,
      "decidedBy", "decidedAt", undoable, "expiresAt", "createdAt", "updatedAt")
    SELECT a.id, ${tenantId}, a.device, a.grp, a.type::"RemediationActionType", a.source::"ActionSource",
           a.status::"RemediationActionStatus", a.evidence, a.investigation, a.incident, a.sha, a.target,
           a.decision::"PolicyDecision", a.explanation, a.requested, a.comment, a.decided_by, a.decided_at, a.undoable,
           a.expires, ${utc(now)}::timestamp, ${utc(now)}::timestamp
    FROM unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.deviceId)}::uuid[], ${col((r) => r.deviceGroupId)}::uuid[],
      ${col((r) => r.type)}::text[], ${col((r) => r.source)}::text[], ${col((r) => r.status)}::text[],
      ${col((r) => r.evidenceId)}::uuid[], ${col((r) => r.investigationId)}::uuid[],
      ${col((r) => r.incidentId)}::uuid[], ${col((r) => r.sha256)}::text[],
      ${col((r) => r.openTargetKey)}::text[], ${col((r) => r.decision)}::text[],
      ${col((r) => r.explanation)}::text[], ${col((r) => r.requestedBy)}::text[],
      ${col((r) => r.comment)}::text[], ${col((r) => r.decidedBy)}::text[],
      ${col((r) => utc(r.decidedAt))}::timestamp[], ${col((r) => r.undoable)}::boolean[],
      ${col((r) => utc(r.expiresAt))}::timestamp[]
    ) WITH ORDINALITY AS a(id, device, grp, type, source, status, evidence, investigation, incident, sha, target, decision,
                           explanation, requested, comment, decided_by, decided_at, undoable, expires, n)
    ORDER BY a.n
    ON CONFLICT DO NOTHING
    RETURNING id::text`;
  return new Set(inserted.map((row) => row.id));
}

/**
 * Which of a tenant's actions a locking read may return: those whose device is in one of the
 * named groups ('all': every group), and only the one device's when `deviceId` is set.
 */
export type ActionLockScope = DeviceScopeTerms;

export const EVERY_ACTION_OF_TENANT: ActionLockScope = { groupNames: 'all', deviceId: null };

/**
 * Locks the tenant's actions with these ids that are in `scope`, in id order (concurrent
 * deciders queue, never deadlock), and returns them as they are once locked: under READ
 * COMMITTED a row another transaction changed meanwhile is re-read (and re-checked against the
 * scope) when its lock is granted, so one statement both locks and reads the current row.
 */
export async function lockScopedActions(
  tx: RawSql,
  tenantId: string,
  sortedIds: readonly string[],
  scope: ActionLockScope,
): Promise<RemediationAction[]> {
  return tx.$queryRaw<RemediationAction[]>(lockActionsInScope(tenantId, sortedIds, scope));
}

/** The one locking read of both functions above and below: ids, tenant, device and groups, in id order. */
function lockActionsInScope(
  tenantId: string,
  sortedIds: readonly string[],
  scope: ActionLockScope,
): Prisma.Sql {
  return Prisma.sql`
    SELECT a.* FROM remediation_actions a WHERE ${actionsInScope(tenantId, sortedIds, scope)}
    ORDER BY a.id FOR UPDATE OF a`;
}

/** The actions `a` among `ids` that the scope sees: the tenant's, on its device, in its groups. */
function actionsInScope(
  tenantId: string,
  ids: readonly string[],
  scope: ActionLockScope,
): Prisma.Sql {
  // Every group: the action's own tenant and device decide, without a join per action.
  const everyGroup = scope.groupNames === 'all';
  return Prisma.sql`a."tenantId" = ${tenantId} AND a.id = ANY(${[...ids]}::uuid[])
      AND (${scope.deviceId}::uuid IS NULL OR a."deviceId" = ${scope.deviceId}::uuid)
      AND (${everyGroup} OR EXISTS (
        SELECT 1 FROM devices d JOIN device_groups g ON g.id = d."deviceGroupId"
        WHERE d.id = a."deviceId" AND ${deviceInScope(tenantId, scope)}))`;
}

/** Which of these actions the scope sees now: the locking read's rule, without its lock. */
export async function actionIdsInScope(
  tx: RawSql,
  tenantId: string,
  ids: readonly string[],
  scope: ActionLockScope,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT a.id FROM remediation_actions a WHERE ${actionsInScope(tenantId, ids, scope)}`;
  return new Set(rows.map((row) => row.id));
}

/** lockScopedActions' rows, and the derived-state rows it locked after them. */
export interface ActionsWithDerivedRowLocks {
  actions: RemediationAction[];
  locks: DerivedRowLocks;
}

/**
 * lockScopedActions, and in the same statement — after the actions, in the closing steps' order —
 * the investigations (id order) and incidents (id order, those of the actions and of their
 * investigations) whose derived states a change of these actions recomputes, FOR NO KEY UPDATE:
 * the closing steps then read their facts without a lock statement of their own. For a use case
 * that locks nothing else afterwards (a row locked after these would break the order).
 */
export async function lockScopedActionsWithDerivedRows(
  tx: RawSql,
  tenantId: string,
  sortedIds: readonly string[],
  scope: ActionLockScope,
): Promise<ActionsWithDerivedRowLocks> {
  const rows = await tx.$queryRaw<
    (RemediationAction & { investigationIncidentId: string | null })[]
  >`
    WITH locked AS MATERIALIZED (${lockActionsInScope(tenantId, sortedIds, scope)}
    ), locked_investigations AS MATERIALIZED (
      SELECT i.id, i."incidentId" FROM investigations i
      WHERE i.id IN (SELECT l."investigationId" FROM locked l)
      ORDER BY i.id FOR NO KEY UPDATE
    ), locked_incidents AS MATERIALIZED (
      SELECT n.id FROM incidents n
      WHERE n.id IN (SELECT l."incidentId" FROM locked l UNION SELECT li."incidentId" FROM locked_investigations li)
      ORDER BY n.id FOR NO KEY UPDATE
    )
    SELECT l.*, li."incidentId"::text AS "investigationIncidentId"
    FROM locked l LEFT JOIN locked_investigations li ON li.id = l."investigationId"
    -- The one-time filter runs after both lock steps (it counts the incidents' locks).
    WHERE (SELECT count(*) FROM locked_incidents) >= 0
    ORDER BY l.id`;
  const incidentOfInvestigation = new Map<string, string>();
  const incidentIds = new Set<string>();
  const actions = rows.map(({ investigationIncidentId, ...action }) => {
    if (action.investigationId && investigationIncidentId) {
      incidentOfInvestigation.set(action.investigationId, investigationIncidentId);
      incidentIds.add(investigationIncidentId);
    }
    if (action.incidentId) incidentIds.add(action.incidentId);
    return action;
  });
  return { actions, locks: { incidentOfInvestigation, incidentIds } };
}

/** The columns a status change may write besides the status (each transition names its own). */
export interface ActionStatusPatch {
  decidedBy?: string | null;
  decidedAt?: Date | null;
  decisionComment?: string | null;
  completedAt?: Date | null;
  failureReason?: string | null;
  undoRequestedBy?: string | null;
  undoneBy?: string | null;
  undoneAt?: Date | null;
  undoFailure?: string | null;
}

const PATCH_COLUMNS: Record<keyof ActionStatusPatch, 'text' | 'timestamp'> = {
  decidedBy: 'text',
  decidedAt: 'timestamp',
  decisionComment: 'text',
  completedAt: 'timestamp',
  failureReason: 'text',
  undoRequestedBy: 'text',
  undoneBy: 'text',
  undoneAt: 'timestamp',
  undoFailure: 'text',
};

function patchAssignments(patch: ActionStatusPatch): Prisma.Sql[] {
  return (Object.keys(PATCH_COLUMNS) as (keyof ActionStatusPatch)[])
    .filter((column) => patch[column] !== undefined)
    .map((column) => {
      const value = patch[column];
      const name = Prisma.raw(`"${column}"`);
      return PATCH_COLUMNS[column] === 'timestamp'
        ? Prisma.sql`${name} = ${utc(value as Date | null)}::timestamp`
        : Prisma.sql`${name} = ${value as string | null}`;
    });
}

export interface ActionStatusMove {
  tenantId: string;
  ids: readonly string[];
  from: string;
  to: string;
  now: Date;
  patch: ActionStatusPatch;
  /** Leaving the open statuses frees the target for another action. */
  clearOpenTargetKey: boolean;
  clearExpiresAt: boolean;
  /** The remediation status the actions' evidence takes (the policy's, for `to`). */
  evidenceStatus: string;
}

/**
 * One status change as one statement: the conditional update (`status = from`, so an action
 * someone else moved first is left out) and, in the same statement, the evidence's remediation
 * status kept in step. Returns the actions as updated, in id order.
 */
export async function moveActionStatus(
  tx: RawSql,
  move: ActionStatusMove,
): Promise<RemediationAction[]> {
  const sets = [
    Prisma.sql`status = ${move.to}::"RemediationActionStatus"`,
    Prisma.sql`"updatedAt" = ${utc(move.now)}::timestamp`,
    ...patchAssignments(move.patch),
    ...(move.clearOpenTargetKey ? [Prisma.sql`"openTargetKey" = NULL`] : []),
    ...(move.clearExpiresAt ? [Prisma.sql`"expiresAt" = NULL`] : []),
  ];
  return tx.$queryRaw<RemediationAction[]>`
    WITH moved AS (
      UPDATE remediation_actions SET ${Prisma.join(sets, ', ')}
      WHERE "tenantId" = ${move.tenantId} AND id = ANY(${[...move.ids]}::uuid[])
        AND status = ${move.from}::"RemediationActionStatus"
      RETURNING *
    ), evidence_status AS (
      UPDATE evidence e SET "remediationStatus" = ${move.evidenceStatus}::"EvidenceRemediationStatus"
      FROM moved WHERE e.id = moved."evidenceId"
        AND e."remediationStatus" IS DISTINCT FROM ${move.evidenceStatus}::"EvidenceRemediationStatus"
    )
    SELECT * FROM moved ORDER BY id`;
}
