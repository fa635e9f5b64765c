import { visibleActions } from '../../auth/scope.js';
import type { TakeResponseActionResult } from '../../services/response-actions.js';
import { builder } from '../builder.js';
import { globalIdOf } from '../ids.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { RemediationActionTypeEnum } from './enums.js';
import './remediation-action.js';

const TakeResponseActionInput = builder.inputType('TakeResponseActionInput', {
  fields: (t) => ({
    type: t.field({ type: RemediationActionTypeEnum, required: true }),
    deviceId: t.id({ required: true }),
    sha256: t.string(),
    comment: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

const TakeResponseActionPayload = builder
  .objectRef<TakeResponseActionResult>('TakeResponseActionPayload')
  .implement({
    fields: (t) => ({
      action: t.prismaField({
        type: 'RemediationAction',
        resolve: (query, result, _args, ctx) =>
          ctx.prisma.remediationAction.findFirstOrThrow({
            ...query,
            where: { id: result.actionId, AND: [visibleActions(ctx.identity)] },
          }),
      }),
      alreadyRequested: t.exposeBoolean('alreadyRequested', {
        description:
          'True when the same action was already pending or in progress on this target: `action` is that one.',
      }),
    }),
  });

builder.mutationField('takeResponseAction', (t) =>
  t.field({
    type: TakeResponseActionPayload,
    description:
      "Responder: a manual response action on a device of your groups, taken at once, with a required comment, within the plan's limits (PLAN_LIMIT names the plans that include it).",
    authScopes: { responder: true },
    args: { input: t.arg({ type: TakeResponseActionInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.takeResponseAction(actorOf(ctx), {
          ...input,
          deviceId: globalIdOf('deviceId', 'Device', input.deviceId),
        }),
      ),
  }),
);
