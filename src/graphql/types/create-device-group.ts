import type { DeviceGroup } from '../../generated/prisma/client.js';
import { actorFrom } from '../../services/actor.js';
import { builder } from '../builder.js';
import { DeviceGroupRef } from './device-group.js';
import { DeviceGroupRulesInput } from './device-group-rules.js';
import { AutomationLevelEnum } from './enums.js';
import { descriptionSchema, groupNameSchema, rankSchema } from '../validation.js';

const CreateDeviceGroupInput = builder.inputType('CreateDeviceGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: groupNameSchema }),
    description: t.string({ validate: descriptionSchema }),
    automationLevel: t.field({ type: AutomationLevelEnum, required: true }),
    rank: t.int({ validate: rankSchema }),
    idempotencyKey: t.string(),
    rules: t.field({ type: DeviceGroupRulesInput }),
  }),
});

const CreateDeviceGroupPayload = builder
  .objectRef<{ deviceGroup: DeviceGroup }>('CreateDeviceGroupPayload')
  .implement({ fields: (t) => ({ deviceGroup: t.field({ type: DeviceGroupRef, resolve: (payload) => payload.deviceGroup }) }) });

builder.mutationField('createDeviceGroup', (t) =>
  t.field({
    type: CreateDeviceGroupPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateDeviceGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      deviceGroup: await ctx.services.deviceGroups.createDeviceGroup(actorFrom(ctx.identity, ctx.requestId), input),
    }),
  }),
);
