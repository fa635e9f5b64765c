import { builder } from '../builder.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import {
  decodeActionIds,
  type OutcomeView,
  outcomesField,
  outcomeViews,
} from './decide-remediation-actions.js';

const UndoRemediationActionsInput = builder.inputType('UndoRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    applyToAllInstances: t.boolean(),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

const UndoRemediationActionsPayload = builder
  .objectRef<{ outcomes: OutcomeView[] }>('UndoRemediationActionsPayload')
  .implement({ fields: (t) => ({ outcomes: outcomesField(t) }) });

builder.mutationField('undoRemediationActions', (t) =>
  t.field({
    type: UndoRemediationActionsPayload,
    description:
      'Responder: undo completed actions of one type (a mixed batch is refused whole: MIXED_ACTION_TYPES). With applyToAllInstances, a file quarantine is undone on every device you may act on; those are listed after the ids asked for.',
    authScopes: { responder: true },
    args: { input: t.arg({ type: UndoRemediationActionsInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await withInputFields(() =>
        ctx.services.undoRemediationActions(actorOf(ctx), {
          ids: decodeActionIds(input.ids),
          applyToAllInstances: input.applyToAllInstances,
          comment: input.comment,
          idempotencyKey: input.idempotencyKey,
        }),
      );
      return { outcomes: outcomeViews(input.ids.map(String), result) };
    },
  }),
);
