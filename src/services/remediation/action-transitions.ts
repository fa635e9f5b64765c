import {
  type ActionLockScope,
  type ActionStatusPatch,
  EVERY_ACTION_OF_TENANT,
  lockScopedActions,
  lockScopedActionsWithDerivedRows,
  moveActionStatus,
} from '../../db/store/index.js';
import type { RemediationAction } from '../../generated/prisma/client.js';
import type { RemediationActionStatus } from '../../generated/prisma/enums.js';
import {
  assertTransition,
  evidenceRemediationStatusFor,
  isDispatchedStatus,
  isOpenStatus,
} from '../../policy/index.js';
import { audit } from '../kernel/audit.js';
import type { SqlWork, Work } from '../kernel/work.js';
import { statusChangeOf } from './action-events.js';
import { applyCompletionEffects, applyUndoEffects } from './effects.js';

export type ActionRow = RemediationAction;

/**
 * Locks the actions (in id order, so concurrent deciders never deadlock on each other) and
 * returns them as they are now — after any concurrent change committed — limited to the
 * caller's tenant and `scope`. Ids that are missing or out of scope are simply absent.
 * `lockDerivedRows`: the same statement also locks the investigations and incidents whose derived
 * states their changes recompute (recorded in the work, so finishWork does not lock them again):
 * for a use case that locks nothing else after the actions.
 */
export async function lockActions(
  work: SqlWork,
  ids: readonly string[],
  scope: ActionLockScope = EVERY_ACTION_OF_TENANT,
  options: { lockDerivedRows?: boolean } = {},
): Promise<ActionRow[]> {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0) return [];
  if (!options.lockDerivedRows)
    return lockScopedActions(work.tx, work.actor.tenantId, unique, scope);
  const locked = await lockScopedActionsWithDerivedRows(
    work.tx,
    work.actor.tenantId,
    unique,
    scope,
  );
  work.derivedRowLocks = locked.locks;
  return locked.actions;
}

export interface TransitionOptions {
  /** Extra columns to write, by the status the action leaves. */
  patch?: (from: RemediationActionStatus) => ActionStatusPatch;
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
  const result = await updateStatuses(work, rows, to, options);
  const completed = result
    .filter(({ before }) => before.status === 'IN_PROGRESS' && to === 'COMPLETED')
    .map(({ after }) => after);
  const undone = result.filter(() => to === 'UNDONE').map(({ after }) => after);
  if (completed.length > 0) await applyCompletionEffects(work, completed);
  if (undone.length > 0) await applyUndoEffects(work, undone);
  return result;
}

/** The statuses whose moves apply no effect of a completion or an undo. */
export type StatusWithoutEffects = Exclude<RemediationActionStatus, 'COMPLETED' | 'UNDONE'>;

/**
 * transitionActions to a status without effects (a decision, an expiry): all of it raw SQL, so it
 * also runs in a transaction sent through pg itself (SqlWork).
 */
export const moveActions = (
  work: SqlWork,
  rows: readonly ActionRow[],
  to: StatusWithoutEffects,
  options: TransitionOptions = {},
): Promise<Transitioned[]> => updateStatuses(work, rows, to, options);

/** transitionActions up to its effects: the conditional updates and what they record. */
async function updateStatuses(
  work: SqlWork,
  rows: readonly ActionRow[],
  to: RemediationActionStatus,
  options: TransitionOptions,
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
    const updated = await moveActionStatus(work.tx, {
      tenantId: work.actor.tenantId,
      ids: [...before.keys()],
      from,
      to,
      now: work.now,
      patch: options.patch?.(from) ?? {},
      clearOpenTargetKey: !isOpenStatus(to),
      clearExpiresAt: from === 'PENDING_APPROVAL' && to !== 'EXPIRED',
      evidenceStatus: evidenceRemediationStatusFor(to),
    });
    for (const after of updated) result.push({ before: before.get(after.id)!, after });
  }
  result.sort((a, b) => (a.after.id < b.after.id ? -1 : 1));

  for (const { before, after } of result) recordTransition(work, before, after, options);
  return result;
}

/** The stream event, audit event, derived states to recompute and dispatch of one change. */
function recordTransition(
  work: SqlWork,
  before: ActionRow,
  after: ActionRow,
  options: TransitionOptions,
): void {
  work.events.push(statusChangeOf(work.actor.tenantId, after, before.status, after.status));
  if (after.investigationId) work.investigationIds.add(after.investigationId);
  if (after.incidentId) work.incidentIds.add(after.incidentId);
  if (isDispatchedStatus(after.status)) work.dispatch.set(after.id, after.type);
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
