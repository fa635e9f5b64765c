import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db/client.js';
import type { ActionStatusChange } from '../events/append.js';
import type { RemediationAction } from '../generated/prisma/client.js';
import type {
  ActionSource,
  PolicyDecision,
  RemediationActionStatus,
  RemediationActionType,
} from '../generated/prisma/enums.js';
import { assertTransition, evidenceRemediationStatusFor, isOpenStatus } from '../policy/index.js';
import { applyCompletionEffects, applyUndoEffects } from './effects.js';
import { utc } from './sql.js';
import { audit, type Work } from './work.js';

export type ActionRow = RemediationAction;

/** File actions are one per device, type and file; other evidence actions one per evidence; device actions one per device and type. */
const FILE_TARGET_TYPES: ReadonlySet<RemediationActionType> = new Set([
  'QUARANTINE_FILE',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
]);

/**
 * The key that makes a second open (pending or in-progress) action on the same target impossible
 * (unique index on `openTargetKey`, cleared when the action leaves the open statuses).
 */
export function openTargetKey(target: {
  deviceId: string;
  type: RemediationActionType;
  sha256?: string | null;
  evidenceId?: string | null;
}): string {
  if (FILE_TARGET_TYPES.has(target.type) && target.sha256)
    return `${target.deviceId}:${target.type}:${target.sha256.toLowerCase()}`;
  if (target.evidenceId) return `${target.deviceId}:${target.type}:evidence:${target.evidenceId}`;
  return `${target.deviceId}:${target.type}:`;
}

/**
 * Locks the actions (in id order, so concurrent deciders never deadlock on each other) and
 * returns them as they are now — after any concurrent change committed — limited to the
 * caller's tenant and `scope`. Ids that are missing or out of scope are simply absent.
 */
export async function lockActions(
  work: Work,
  ids: readonly string[],
  scope: Prisma.RemediationActionWhereInput = {},
): Promise<ActionRow[]> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return [];
  await work.tx.$queryRaw`
    SELECT id FROM remediation_actions WHERE "tenantId" = ${work.actor.tenantId} AND id = ANY(${unique}::uuid[]) ORDER BY id FOR UPDATE`;
  return work.tx.remediationAction.findMany({
    where: { AND: [{ tenantId: work.actor.tenantId, id: { in: unique } }, scope] },
  });
}

export interface NewAction {
  deviceId: string;
  deviceGroupId: string;
  type: RemediationActionType;
  source: ActionSource;
  status: 'PENDING_APPROVAL' | 'IN_PROGRESS';
  evidenceId?: string | null;
  investigationId?: string | null;
  incidentId?: string | null;
  sha256?: string | null;
  decision?: PolicyDecision | null;
  explanation?: string | null;
  requestedBy?: string | null;
  comment?: string | null;
  decidedBy?: string | null;
  decidedAt?: Date | null;
  undoable: boolean;
  expiresAt?: Date | null;
}

export interface CreatedAction extends NewAction {
  id: string;
  openTargetKey: string;
}

/**
 * Creates actions in their entry status (PENDING_APPROVAL or IN_PROGRESS), set-based, skipping
 * any that would be a second action on the same evidence or a second open action on the same
 * target. Records their creation events, audit events and evidence status, and dispatches the
 * ones taken at once. Returns the actions actually created.
 */
export interface CreateOptions {
  /**
   * Evidence written in this transaction with the remediation status of the action planned on it
   * (insertEvidence's `actionStatus`): left as it is when the action is created, set back to NONE
   * when it is not (a duplicate target).
   */
  evidenceStatusSet?: ReadonlySet<string>;
}

export async function createActions(
  work: Work,
  actions: readonly NewAction[],
  options: CreateOptions = {},
): Promise<CreatedAction[]> {
  if (actions.length === 0) return [];
  const rows: CreatedAction[] = actions.map((action) => ({
    ...action,
    id: randomUUID(),
    openTargetKey: openTargetKey(action),
  }));
  const tenantId = work.actor.tenantId;
  const inserted = await work.tx.$queryRaw<{ id: string }[]>`
    INSERT INTO remediation_actions (id, "tenantId", "deviceId", "deviceGroupId", type, source, status, "evidenceId",
      "investigationId", "incidentId", sha256, "openTargetKey", decision, explanation, "requestedBy", comment,
      "decidedBy", "decidedAt", undoable, "expiresAt", "createdAt", "updatedAt")
    SELECT a.id, ${tenantId}, a.device, a.grp, a.type::"RemediationActionType", a.source::"ActionSource",
           a.status::"RemediationActionStatus", a.evidence, a.investigation, a.incident, a.sha, a.target,
           a.decision::"PolicyDecision", a.explanation, a.requested, a.comment, a.decided_by, a.decided_at, a.undoable,
           a.expires, ${utc(work.now)}::timestamp, ${utc(work.now)}::timestamp
    FROM unnest(
      ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.deviceId)}::uuid[], ${rows.map((r) => r.deviceGroupId)}::uuid[],
      ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.evidenceId ?? null)}::uuid[], ${rows.map((r) => r.investigationId ?? null)}::uuid[],
      ${rows.map((r) => r.incidentId ?? null)}::uuid[], ${rows.map((r) => r.sha256?.toLowerCase() ?? null)}::text[],
      ${rows.map((r) => r.openTargetKey)}::text[], ${rows.map((r) => r.decision ?? null)}::text[],
      ${rows.map((r) => r.explanation ?? null)}::text[], ${rows.map((r) => r.requestedBy ?? null)}::text[],
      ${rows.map((r) => r.comment ?? null)}::text[], ${rows.map((r) => r.decidedBy ?? null)}::text[],
      ${rows.map((r) => utc(r.decidedAt))}::timestamp[], ${rows.map((r) => r.undoable)}::boolean[],
      ${rows.map((r) => utc(r.expiresAt))}::timestamp[]
    ) WITH ORDINALITY AS a(id, device, grp, type, source, status, evidence, investigation, incident, sha, target, decision,
                           explanation, requested, comment, decided_by, decided_at, undoable, expires, n)
    ORDER BY a.n
    ON CONFLICT DO NOTHING
    RETURNING id::text`;
  const createdIds = new Set(inserted.map((row) => row.id));
  const created = rows.filter((row) => createdIds.has(row.id));
  for (const action of created) {
    work.events.push(changeOf(tenantId, action, null, action.status));
    if (action.investigationId) work.investigationIds.add(action.investigationId);
    if (action.incidentId) work.incidentIds.add(action.incidentId);
    if (action.status === 'IN_PROGRESS') work.dispatch.add(action.id);
    audit(work, {
      targetType: 'RemediationAction',
      targetIds: [action.id],
      deviceGroupIds: [action.deviceGroupId],
      before: null,
      after: {
        status: action.status,
        type: action.type,
        source: action.source,
        deviceId: action.deviceId,
        evidenceId: action.evidenceId ?? null,
        decision: action.decision ?? null,
      },
      comment: action.comment ?? null,
    });
  }
  const preset = options.evidenceStatusSet ?? new Set<string>();
  await updateEvidenceStatuses(
    work,
    created
      .filter((a) => !a.evidenceId || !preset.has(a.evidenceId))
      .map((a) => ({ evidenceId: a.evidenceId ?? null, status: a.status })),
  );
  const skipped = rows
    .filter((row) => !createdIds.has(row.id) && row.evidenceId && preset.has(row.evidenceId))
    .map((row) => row.evidenceId!);
  if (skipped.length > 0) {
    await work.tx.evidence.updateMany({
      where: { id: { in: skipped } },
      data: { remediationStatus: 'NONE' },
    });
  }
  return created;
}

function changeOf(
  tenantId: string,
  action: {
    id: string;
    deviceGroupId: string;
    deviceId: string;
    incidentId?: string | null;
    type: RemediationActionType;
  },
  previousStatus: RemediationActionStatus | null,
  status: RemediationActionStatus,
): ActionStatusChange {
  return {
    tenantId,
    actionId: action.id,
    deviceGroupId: action.deviceGroupId,
    deviceId: action.deviceId,
    incidentId: action.incidentId ?? null,
    actionType: action.type,
    previousStatus,
    status,
  };
}

/** Keeps each evidence's remediation status in step with the status of the action taken on it. */
async function updateEvidenceStatuses(
  work: Work,
  pairs: readonly { evidenceId: string | null; status: RemediationActionStatus }[],
) {
  const withEvidence = pairs.filter(
    (p): p is { evidenceId: string; status: RemediationActionStatus } => p.evidenceId !== null,
  );
  if (withEvidence.length === 0) return;
  withEvidence.sort((a, b) => (a.evidenceId < b.evidenceId ? -1 : 1));
  await work.tx.$executeRaw`
    UPDATE evidence e SET "remediationStatus" = v.status::"EvidenceRemediationStatus"
    FROM unnest(${withEvidence.map((p) => p.evidenceId)}::uuid[],
                ${withEvidence.map((p) => evidenceRemediationStatusFor(p.status))}::text[]) AS v(id, status)
    WHERE e.id = v.id AND e."remediationStatus" IS DISTINCT FROM v.status::"EvidenceRemediationStatus"`;
}

export interface TransitionOptions {
  /** Extra columns to write, by the status the action leaves. */
  patch?: (from: RemediationActionStatus) => Prisma.RemediationActionUpdateManyMutationInput;
  /** The comment recorded in the audit events. */
  comment?: string | null;
  /** Audit outcome (default SUCCEEDED). */
  outcome?: string;
  /** Audit operation, when it is not the work's own (an expiry found by an approve call). */
  operation?: string;
  /** Extra audit detail per action. */
  auditAfter?: (row: ActionRow) => Record<string, unknown>;
}

export interface Transitioned {
  before: ActionRow;
  after: ActionRow;
}

/**
 * THE way an action's status changes. For each action (already locked by lockActions): asks the
 * policy's status machine, then updates conditionally (`WHERE id IN (...) AND status = <from>`,
 * one statement per distinct `from`), clears `openTargetKey` when the action leaves the open
 * statuses, keeps the evidence's remediation status in step, applies the effect of a completion
 * or an undo, and records the stream and audit events and the investigations and incidents whose
 * derived states must be recomputed (finishWork does it, then appends the events last).
 * Actions whose status is no longer `from` when updated are left out of the result.
 */
export async function transitionActions(
  work: Work,
  rows: readonly ActionRow[],
  to: RemediationActionStatus,
  options: TransitionOptions = {},
): Promise<Transitioned[]> {
  if (rows.length === 0) return [];
  const byFrom = new Map<RemediationActionStatus, ActionRow[]>();
  for (const row of rows) {
    assertTransition(row.status, to);
    byFrom.set(row.status, [...(byFrom.get(row.status) ?? []), row]);
  }
  const result: Transitioned[] = [];
  for (const [from, group] of byFrom) {
    const before = new Map(group.map((row) => [row.id, row]));
    const updated = await work.tx.remediationAction.updateManyAndReturn({
      where: { tenantId: work.actor.tenantId, id: { in: [...before.keys()] }, status: from },
      data: {
        ...(options.patch?.(from) ?? {}),
        status: to,
        updatedAt: work.now,
        ...(isOpenStatus(to) ? {} : { openTargetKey: null }),
        ...(from === 'PENDING_APPROVAL' && to !== 'EXPIRED' ? { expiresAt: null } : {}),
      },
    });
    for (const after of updated) result.push({ before: before.get(after.id)!, after });
  }
  result.sort((a, b) => (a.after.id < b.after.id ? -1 : 1));

  for (const { before, after } of result) {
    work.events.push(changeOf(work.actor.tenantId, after, before.status, after.status));
    if (after.investigationId) work.investigationIds.add(after.investigationId);
    if (after.incidentId) work.incidentIds.add(after.incidentId);
    if (to === 'IN_PROGRESS' || to === 'UNDO_IN_PROGRESS') work.dispatch.add(after.id);
    audit(work, {
      targetType: 'RemediationAction',
      targetIds: [after.id],
      deviceGroupIds: [after.deviceGroupId],
      before: { status: before.status },
      after: { status: after.status, ...(options.auditAfter?.(after) ?? {}) },
      comment: options.comment ?? null,
      ...(options.outcome ? { outcome: options.outcome } : {}),
      ...(options.operation ? { operation: options.operation } : {}),
    });
  }
  await updateEvidenceStatuses(
    work,
    result.map(({ after }) => ({ evidenceId: after.evidenceId, status: after.status })),
  );
  const completed = result
    .filter(({ before }) => before.status === 'IN_PROGRESS' && to === 'COMPLETED')
    .map(({ after }) => after);
  const undone = result.filter(() => to === 'UNDONE').map(({ after }) => after);
  if (completed.length > 0) await applyCompletionEffects(work, completed);
  if (undone.length > 0) await applyUndoEffects(work, undone);
  return result;
}
