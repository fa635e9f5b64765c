import { z } from 'zod';
import { visibleActionTerms } from '../auth/scope.js';
import type { RawSql } from '../db/raw-sql.js';
import type { RemediationActionStatus } from '../generated/prisma/enums.js';
import { canTransition, decisionRefusal, InvalidTransitionError } from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { requireRole } from './kernel/roles.js';
import { runSqlMutation } from './kernel/run-mutation.js';
import { commentSchema, idempotencyKeySchema, idSchema, parseInput } from './kernel/validation.js';
import type { ServiceDeps } from './kernel/work.js';
import {
  type ActionOutcomeResult,
  describeDecision,
  notFoundOutcome,
  rescopeOutcomes,
} from './outcomes.js';
import {
  type ActionRow,
  lockActions,
  moveActions,
  type StatusWithoutEffects,
} from './remediation/action-transitions.js';
import { expireOverdue } from './remediation/expiry.js';

export const MAX_IDS_PER_CALL = 1000;

export const idsSchema = z
  .array(idSchema)
  .min(1, 'give at least one id')
  .max(MAX_IDS_PER_CALL, `at most ${MAX_IDS_PER_CALL} ids per call`);

const decideSchema = z.object({
  ids: idsSchema,
  comment: commentSchema,
  idempotencyKey: idempotencyKeySchema,
});
export type DecideInput = z.input<typeof decideSchema>;

export interface BulkOutcomes {
  outcomes: ActionOutcomeResult[];
}

type Decision = { operation: string; to: StatusWithoutEffects };
const APPROVE: Decision = { operation: 'approveRemediationActions', to: 'IN_PROGRESS' };
const REJECT: Decision = { operation: 'rejectRemediationActions', to: 'REJECTED' };
const CANCEL: Decision = { operation: 'cancelRemediationActions', to: 'CANCELLED' };

async function decide(
  deps: ServiceDeps,
  actor: Actor,
  raw: DecideInput,
  decision: Decision,
): Promise<BulkOutcomes> {
  requireRole(actor, 'responder');
  const input = parseInput(decideSchema, raw);
  const { idempotencyKey, ...request } = input;
  const rescope = (tx: RawSql, stored: BulkOutcomes) =>
    rescopeOutcomes(tx, actor, input.ids.length, stored);
  // Every step is raw SQL: the transaction goes through pg itself (runSqlMutation).
  return runSqlMutation(
    deps,
    actor,
    { operation: decision.operation, idempotencyKey, input: request, rescope },
    async (work) => {
      // Locked in id order, then re-read: a concurrent decider that got there first has committed,
      // and this one sees its decision. The update below is conditional on the status read.
      // The derived-state rows are locked with them: a decision locks nothing else.
      const rows = await expireOverdue(
        work,
        await lockActions(work, input.ids, visibleActionTerms(actor), { lockDerivedRows: true }),
      );
      const movable = rows.filter((row) => canTransition(row.status, decision.to));
      const patchDecision = (from: RemediationActionStatus) =>
        from === 'PENDING_APPROVAL'
          ? {
              decidedBy: actor.subject,
              decidedAt: work.now,
              decisionComment: input.comment ?? null,
            }
          : {};
      const moved = await moveActions(work, movable, decision.to, {
        patch: patchDecision,
        comment: input.comment ?? null,
      });
      const movedIds = new Set(moved.map((m) => m.after.id));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return {
        outcomes: input.ids.map((id) => decisionOutcome(id, byId.get(id), movedIds, decision.to)),
      };
    },
  );
}

/** One id's outcome: done, NOT_FOUND, or why the action did not move (the policy's refusal). */
function decisionOutcome(
  id: string,
  row: ActionRow | undefined,
  movedIds: ReadonlySet<string>,
  to: RemediationActionStatus,
): ActionOutcomeResult {
  if (!row) return notFoundOutcome(id);
  if (movedIds.has(id)) return { id, actionId: id, error: null };
  if (decisionRefusal(to, row.status) === 'INVALID_TRANSITION') {
    const message = new InvalidTransitionError(row.status, to).message;
    return { id, actionId: id, error: { code: 'INVALID_TRANSITION', message } };
  }
  return { id, actionId: id, error: { code: 'ALREADY_DECIDED', message: describeDecision(row) } };
}

/** approveRemediationActions (SPEC §3.4): PENDING_APPROVAL → IN_PROGRESS, then the executor. */
export const approveRemediationActions = (deps: ServiceDeps, actor: Actor, input: DecideInput) =>
  decide(deps, actor, input, APPROVE);
/** rejectRemediationActions: PENDING_APPROVAL → REJECTED. */
export const rejectRemediationActions = (deps: ServiceDeps, actor: Actor, input: DecideInput) =>
  decide(deps, actor, input, REJECT);
/** cancelRemediationActions (an addition to the contract): an action not yet final → CANCELLED. */
export const cancelRemediationActions = (deps: ServiceDeps, actor: Actor, input: DecideInput) =>
  decide(deps, actor, input, CANCEL);
