import type { ActionOutcomeResult } from '../../services/outcomes.js';
import type { BulkOutcomes } from '../../services/decisions.js';
import { builder } from '../builder.js';
import { actionGlobalId, actorOf, rawIdOr404, visibleActionLoader, withInputFields } from '../mutation-support.js';
import { ActionErrorCodeEnum } from './enums.js';
import { RemediationActionRef } from './remediation-action.js';

/** One id's outcome as the API shows it: the id as asked for, the action, the error. */
export interface OutcomeView {
  givenId: string;
  result: ActionOutcomeResult;
}

export const ActionErrorRef = builder.objectRef<NonNullable<ActionOutcomeResult['error']>>('ActionError').implement({
  fields: (t) => ({
    code: t.field({ type: ActionErrorCodeEnum, resolve: (error) => error.code }),
    message: t.exposeString('message'),
  }),
});

export const ActionOutcomeRef = builder.objectRef<OutcomeView>('ActionOutcome').implement({
  description: 'What happened to one id of a bulk call: `action` (as it is now) and no `error` when it was done.',
  fields: (t) => ({
    id: t.id({ resolve: (outcome) => outcome.givenId }),
    action: t.field({
      type: RemediationActionRef,
      nullable: true,
      resolve: (outcome, _args, ctx) => (outcome.result.actionId ? visibleActionLoader(ctx).load(outcome.result.actionId) : null),
    }),
    error: t.field({ type: ActionErrorRef, nullable: true, resolve: (outcome) => outcome.result.error }),
  }),
});

/**
 * The outcomes of a bulk call, with each id as the caller wrote it; outcomes beyond the asked ids
 * (an undo that applied to all instances) carry their own global id.
 */
export function outcomeViews(givenIds: readonly string[], result: BulkOutcomes): OutcomeView[] {
  return result.outcomes.map((outcome, i) => ({ givenId: givenIds[i] ?? actionGlobalId(outcome.id), result: outcome }));
}

export function decodeActionIds(ids: readonly string[]): string[] {
  return ids.map((id) => rawIdOr404(id, 'RemediationAction'));
}

export const DecideRemediationActionsInput = builder.inputType('DecideRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

export const DecideRemediationActionsPayload = builder
  .objectRef<{ outcomes: OutcomeView[] }>('DecideRemediationActionsPayload')
  .implement({ fields: (t) => ({ outcomes: t.field({ type: [ActionOutcomeRef], resolve: (payload) => payload.outcomes }) }) });

for (const [name, verb] of [
  ['approveRemediationActions', 'approveRemediationActions'],
  ['rejectRemediationActions', 'rejectRemediationActions'],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: DecideRemediationActionsPayload,
      description:
        name === 'approveRemediationActions'
          ? 'Responder: approve pending actions (then carried out). Each id gets its own outcome; a decision happens exactly once (ALREADY_DECIDED names the winner).'
          : 'Responder: reject pending actions. Each id gets its own outcome; a decision happens exactly once (ALREADY_DECIDED names the winner).',
      authScopes: { responder: true },
      args: { input: t.arg({ type: DecideRemediationActionsInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const result = await withInputFields(() =>
          ctx.services[verb](actorOf(ctx), { ids: decodeActionIds(input.ids), comment: input.comment, idempotencyKey: input.idempotencyKey }),
        );
        return { outcomes: outcomeViews(input.ids.map(String), result) };
      },
    }),
  );
}
