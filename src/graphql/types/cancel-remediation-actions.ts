import { builder } from '../builder.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import {
  decodeActionIds,
  type OutcomeView,
  outcomesField,
  outcomeViews,
} from './decide-remediation-actions.js';

const CancelRemediationActionsInput = builder.inputType('CancelRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

const CancelRemediationActionsPayload = builder
  .objectRef<{ outcomes: OutcomeView[] }>('CancelRemediationActionsPayload')
  .implement({ fields: (t) => ({ outcomes: outcomesField(t) }) });

builder.mutationField('cancelRemediationActions', (t) =>
  t.field({
    type: CancelRemediationActionsPayload,
    description:
      'Responder (an addition to the contract): cancel actions not yet final (PENDING_APPROVAL or IN_PROGRESS). A final action is INVALID_TRANSITION.',
    authScopes: { responder: true },
    args: { input: t.arg({ type: CancelRemediationActionsInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await withInputFields(() =>
        ctx.services.cancelRemediationActions(actorOf(ctx), {
          ids: decodeActionIds(input.ids),
          comment: input.comment,
          idempotencyKey: input.idempotencyKey,
        }),
      );
      return { outcomes: outcomeViews(input.ids.map(String), result) };
    },
  }),
);
