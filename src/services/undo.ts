import { z } from 'zod';
import { visibleActions } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import {
  ALL_INSTANCES_ACTION_TYPES,
  appliesToAllInstances,
  checkUndoBatch,
  undoRefusal,
} from '../policy/index.js';
import { type ActionRow, lockActions, transitionActions } from './action-transitions.js';
import type { Actor } from './actor.js';
import { type BulkOutcomes, idsSchema } from './decisions.js';
import { DomainError } from './errors.js';
import { type ActionOutcomeResult, notFoundOutcome, rescopeOutcomes } from './outcomes.js';
import { requireRole } from './roles.js';
import { commentSchema, idempotencyKeySchema, parseInput } from './validation.js';
import { runMutation, type ServiceDeps } from './work.js';

const undoSchema = z.object({
  ids: idsSchema,
  applyToAllInstances: z
    .boolean()
    .nullish()
    .transform((all) => all ?? false),
  comment: commentSchema,
  idempotencyKey: idempotencyKeySchema,
});
export type UndoInput = z.input<typeof undoSchema>;

const candidate = (row: ActionRow) => ({
  id: row.id,
  type: row.type,
  status: row.status,
  undoneAt: row.undoneAt,
});

/**
 * undoRemediationActions (SPEC §2.4) with the policy's undo rules: a batch of several action
 * types is refused whole (MIXED_ACTION_TYPES, naming them — ids that do not exist or are out of
 * scope have no type to show); then each id is NOT_FOUND, NOT_UNDOABLE, ALREADY_UNDONE,
 * NOT_COMPLETED or undone (COMPLETED → UNDO_IN_PROGRESS, then the executor: UNDONE).
 * `applyToAllInstances` on a file quarantine also undoes every other completed, not-yet-undone
 * quarantine (either quarantine type) of the same sha256 that the caller may act on; those are
 * listed after the requested ids. On other action types it has nothing to apply to.
 */
export async function undoRemediationActions(
  deps: ServiceDeps,
  actor: Actor,
  raw: UndoInput,
): Promise<BulkOutcomes> {
  requireRole(actor, 'responder');
  const input = parseInput(undoSchema, raw);
  const { idempotencyKey, ...request } = input;
  const scope = visibleActions(actor);
  const rescope = (tx: Transaction, stored: BulkOutcomes) =>
    rescopeOutcomes(tx, scope, input.ids.length, stored);
  return runMutation(
    deps,
    actor,
    { operation: 'undoRemediationActions', idempotencyKey, input: request, rescope },
    async (work) => {
      const requested = new Set(input.ids);
      // The other instances are found before anything is locked, so that the requested actions and
      // the other instances are locked together, in one id order: two undos applying to all
      // instances of one file from different ends queue instead of deadlocking. (An action's type
      // and sha256 never change; statuses are checked again once locked.)
      let candidates: string[] = [];
      if (input.applyToAllInstances) {
        const asked = await work.tx.remediationAction.findMany({
          where: {
            AND: [
              { id: { in: [...requested] } },
              scope,
              { type: { in: [...ALL_INSTANCES_ACTION_TYPES] } },
            ],
          },
          select: { sha256: true },
        });
        const askedShas = [...new Set(asked.flatMap((row) => (row.sha256 ? [row.sha256] : [])))];
        if (askedShas.length > 0) {
          const others = await work.tx.remediationAction.findMany({
            where: {
              AND: [
                scope,
                {
                  type: { in: [...ALL_INSTANCES_ACTION_TYPES] },
                  sha256: { in: askedShas },
                  status: 'COMPLETED',
                  undoneAt: null,
                },
              ],
            },
            select: { id: true },
          });
          candidates = others.map((o) => o.id).filter((id) => !requested.has(id));
        }
      }
      const locked = await lockActions(work, [...input.ids, ...candidates], scope);
      const rows = locked.filter((row) => requested.has(row.id));
      const check = checkUndoBatch(rows.map(candidate));
      if (!check.ok) {
        throw new DomainError('MIXED_ACTION_TYPES', check.error.message, 'ids', {
          types: check.error.types,
        });
      }
      const refusals = new Map(check.perAction.map((entry) => [entry.id, entry.error]));
      const undoable = rows.filter((row) => refusals.get(row.id) === null);

      const shas = new Set(
        undoable
          .filter((row) => appliesToAllInstances(row.type) && row.sha256)
          .map((row) => row.sha256!),
      );
      // The other instances locked above (only with applyToAllInstances), of a file a requested undo restores.
      const extras = locked.filter(
        (row) =>
          !requested.has(row.id) &&
          row.sha256 !== null &&
          shas.has(row.sha256) &&
          undoRefusal(candidate(row)) === null,
      );
      const extraIds = new Set(extras.map((row) => row.id));

      const moved = await transitionActions(work, [...undoable, ...extras], 'UNDO_IN_PROGRESS', {
        patch: () => ({ undoRequestedBy: actor.subject, undoFailure: null }),
        comment: input.comment ?? null,
        auditAfter: (row) => ({ allInstances: extraIds.has(row.id) }),
      });
      const movedIds = new Set(moved.map((m) => m.after.id));
      const byId = new Map(rows.map((row) => [row.id, row]));
      const outcomes: ActionOutcomeResult[] = input.ids.map((id) => {
        if (!byId.has(id)) return notFoundOutcome(id);
        const refusal = refusals.get(id);
        if (refusal)
          return { id, actionId: id, error: { code: refusal.code, message: refusal.message } };
        if (!movedIds.has(id))
          return {
            id,
            actionId: id,
            error: {
              code: 'INVALID_TRANSITION',
              message: `Action ${id} changed while it was being undone.`,
            },
          };
        return { id, actionId: id, error: null };
      });
      for (const extra of extras
        .filter((row) => movedIds.has(row.id))
        .sort((a, b) => (a.id < b.id ? -1 : 1))) {
        outcomes.push({ id: extra.id, actionId: extra.id, error: null });
      }
      return { outcomes };
    },
  );
}
