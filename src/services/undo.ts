import { z } from 'zod';
import { visibleActions, visibleActionTerms } from '../auth/scope.js';
import type { Prisma, Transaction } from '../db/client.js';
import {
  ALL_INSTANCES_ACTION_TYPES,
  appliesToAllInstances,
  checkUndoBatch,
  type UndoRefusal,
  undoRefusal,
} from '../policy/index.js';
import { type BulkOutcomes, idsSchema } from './decisions.js';
import type { Actor } from './kernel/actor.js';
import { DomainError } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { commentSchema, idempotencyKeySchema, parseInput } from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';
import { type ActionOutcomeResult, notFoundOutcome, rescopeOutcomes } from './outcomes.js';
import {
  type ActionRow,
  lockActions,
  transitionActions,
} from './remediation/action-transitions.js';

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
/** The requested rows, locked in id order, put back in the caller's order (a refusal names types as asked). */
function inRequestOrder<Row extends { id: string }>(locked: Row[], ids: readonly string[]): Row[] {
  const asked = new Map(ids.map((id, index) => [id, index]));
  return locked
    .filter((row) => asked.has(row.id))
    .sort((a, b) => asked.get(a.id)! - asked.get(b.id)!);
}

export async function undoRemediationActions(
  deps: ServiceDeps,
  actor: Actor,
  raw: UndoInput,
): Promise<BulkOutcomes> {
  requireRole(actor, 'responder');
  const input = parseInput(undoSchema, raw);
  const { idempotencyKey, ...request } = input;
  const scope = visibleActions(actor);
  const lockScope = visibleActionTerms(actor);
  const rescope = (tx: Transaction, stored: BulkOutcomes) =>
    rescopeOutcomes(tx, actor, input.ids.length, stored);
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
      const candidates = input.applyToAllInstances
        ? await otherInstances(work, requested, scope)
        : [];
      const locked = await lockActions(work, [...input.ids, ...candidates], lockScope);
      const rows = inRequestOrder(locked, input.ids);
      const check = checkUndoBatch(rows.map(candidate));
      if (!check.ok) {
        throw new DomainError('MIXED_ACTION_TYPES', check.error.message, 'ids', {
          types: check.error.types,
        });
      }
      const refusals = new Map(check.perAction.map((entry) => [entry.id, entry.error]));
      const undoable = rows.filter((row) => refusals.get(row.id) === null);

      const extras = otherInstancesToUndo(locked, requested, undoable);
      const extraIds = new Set(extras.map((row) => row.id));

      const moved = await transitionActions(work, [...undoable, ...extras], 'UNDO_IN_PROGRESS', {
        patch: () => ({ undoRequestedBy: actor.subject, undoFailure: null }),
        comment: input.comment ?? null,
        auditAfter: (row) => ({ allInstances: extraIds.has(row.id) }),
      });
      const movedIds = new Set(moved.map((m) => m.after.id));
      const byId = new Map(rows.map((row) => [row.id, row]));
      const outcomes = input.ids.map((id) =>
        undoOutcome(id, byId.has(id), refusals.get(id), movedIds),
      );
      for (const extra of extras
        .filter((row) => movedIds.has(row.id))
        .sort((a, b) => (a.id < b.id ? -1 : 1))) {
        outcomes.push({ id: extra.id, actionId: extra.id, error: null });
      }
      return { outcomes };
    },
  );
}

/**
 * The other instances locked with the requested actions (only with applyToAllInstances), of a
 * file a requested undo restores, that can be undone themselves.
 */
function otherInstancesToUndo(
  locked: readonly ActionRow[],
  requested: ReadonlySet<string>,
  undoable: readonly ActionRow[],
): ActionRow[] {
  const shas = new Set(
    undoable.filter((row) => appliesToAllInstances(row.type) && row.sha256).map((r) => r.sha256!),
  );
  return locked.filter(
    (row) =>
      !requested.has(row.id) &&
      row.sha256 !== null &&
      shas.has(row.sha256) &&
      undoRefusal(candidate(row)) === null,
  );
}

/**
 * The completed, not-yet-undone quarantines (either type) of the sha256s of the requested file
 * quarantines, in scope, other than the requested ones: their ids.
 */
async function otherInstances(
  work: Work,
  requested: ReadonlySet<string>,
  scope: Prisma.RemediationActionWhereInput,
): Promise<string[]> {
  const types = { in: [...ALL_INSTANCES_ACTION_TYPES] };
  const asked = await work.tx.remediationAction.findMany({
    where: { AND: [{ id: { in: [...requested] } }, scope, { type: types }] },
    select: { sha256: true },
  });
  const shas = [...new Set(asked.flatMap((row) => (row.sha256 ? [row.sha256] : [])))];
  if (shas.length === 0) return [];
  const others = await work.tx.remediationAction.findMany({
    where: {
      AND: [scope, { type: types, sha256: { in: shas }, status: 'COMPLETED', undoneAt: null }],
    },
    select: { id: true },
  });
  return others.map((o) => o.id).filter((id) => !requested.has(id));
}

function undoOutcome(
  id: string,
  found: boolean,
  refusal: UndoRefusal | null | undefined,
  movedIds: ReadonlySet<string>,
): ActionOutcomeResult {
  if (!found) return notFoundOutcome(id);
  if (refusal) return { id, actionId: id, error: { code: refusal.code, message: refusal.message } };
  if (movedIds.has(id)) return { id, actionId: id, error: null };
  const message = `Action ${id} changed while it was being undone.`;
  return { id, actionId: id, error: { code: 'INVALID_TRANSITION', message } };
}
