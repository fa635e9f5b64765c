import { visibleActionTerms } from '../auth/scope.js';
import type { RawSql } from '../db/raw-sql.js';
import { actionIdsInScope } from '../db/store/index.js';
import type { Actor } from './kernel/actor.js';
import type { ActionRow } from './remediation/action-transitions.js';

/** The per-id error codes of the contract's ActionErrorCode. */
export type ActionErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_DECIDED'
  | 'NOT_UNDOABLE'
  | 'NOT_COMPLETED'
  | 'ALREADY_UNDONE'
  | 'INVALID_TRANSITION';

/**
 * One id's outcome in a bulk call. `id` is the id as it was asked for (decoded); `actionId` the
 * action to show (null when it does not exist or is out of scope). Stored as JSON for replays.
 */
export interface ActionOutcomeResult {
  id: string;
  actionId: string | null;
  error: { code: ActionErrorCode; message: string } | null;
}

const at = (date: Date | null) => (date ? ` at ${date.toISOString()}` : '');

/** How an action that is no longer pending got there: the winning decision, in words. */
export function describeDecision(row: ActionRow): string {
  const now = `it is ${row.status}`;
  switch (row.status) {
    case 'REJECTED':
      return `Action ${row.id} was already rejected by ${row.decidedBy ?? 'someone'}${at(row.decidedAt)}.`;
    case 'EXPIRED':
      return `Action ${row.id} expired${at(row.expiresAt)} without a decision and counts as rejected.`;
    case 'CANCELLED':
      return `Action ${row.id} was cancelled${row.decidedBy ? ` (decided by ${row.decidedBy})` : ''}; ${now}.`;
    case 'PENDING_APPROVAL':
      return `Action ${row.id} is still pending approval.`;
    default:
      if (row.source === 'MANUAL')
        return `Action ${row.id} is a manual action taken by ${row.requestedBy ?? 'someone'}; ${now}.`;
      if (row.decision === 'TAKE_AUTOMATICALLY')
        return `Action ${row.id} was taken automatically by the policy (TAKE_AUTOMATICALLY); ${now}.`;
      return `Action ${row.id} was already approved by ${row.decidedBy ?? 'someone'}${at(row.decidedAt)}; ${now}.`;
  }
}

export const notFoundOutcome = (id: string): ActionOutcomeResult => ({
  id,
  actionId: null,
  error: { code: 'NOT_FOUND', message: `Remediation action ${id} does not exist.` },
});

/**
 * A replayed bulk result as the caller may see it now: an outcome whose action is no longer in
 * `scope` is NOT_FOUND when it answers an id the caller asked for (the first `requested`
 * outcomes), and is left out when the call added it (an undo's other instances).
 */
export async function rescopeOutcomes(
  tx: RawSql,
  actor: Actor,
  requested: number,
  stored: { outcomes: ActionOutcomeResult[] },
): Promise<{ outcomes: ActionOutcomeResult[] }> {
  const ids = [...new Set(stored.outcomes.flatMap((o) => (o.actionId ? [o.actionId] : [])))];
  const visible = await actionIdsInScope(tx, actor.tenantId, ids, visibleActionTerms(actor));
  const outcomes = stored.outcomes.flatMap((outcome, i) => {
    if (!outcome.actionId || visible.has(outcome.actionId)) return [outcome];
    return i < requested ? [notFoundOutcome(outcome.id)] : [];
  });
  return { outcomes };
}
