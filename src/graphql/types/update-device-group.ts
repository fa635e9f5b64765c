import type { DeviceGroup } from '../../generated/prisma/client.js';
import { actorFrom } from '../../services/actor.js';
import { builder } from '../builder.js';
import { idOf } from '../ids.js';
import { DeviceGroupRef } from './device-group.js';
import { DeviceGroupRulesInput } from './device-group-rules.js';
import { AutomationLevelEnum } from './enums.js';
import { descriptionSchema, groupNameSchema, rankSchema } from '../validation.js';

const UpdateDeviceGroupInput = builder.inputType('UpdateDeviceGroupInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    name: t.string({ validate: groupNameSchema.nullish() }),
    description: t.string({ validate: descriptionSchema }),
    automationLevel: t.field({ type: AutomationLevelEnum }),
    rank: t.int({ validate: rankSchema }),
    idempotencyKey: t.string(),
    rules: t.field({ type: DeviceGroupRulesInput }),
  }),
});

const UpdateDeviceGroupPayload = builder
  .objectRef<{ deviceGroup: DeviceGroup }>('UpdateDeviceGroupPayload')
  .implement({ fields: (t) => ({ deviceGroup: t.field({ type: DeviceGroupRef, resolve: (payload) => payload.deviceGroup }) }) });

builder.mutationField('updateDeviceGroup', (t) =>
  t.field({
    type: UpdateDeviceGroupPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateDeviceGroupInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      deviceGroup: await ctx.services.deviceGroups.updateDeviceGroup(actorFrom(ctx.identity, ctx.requestId), {
        ...input,
        id: idOf('input.id', 'DeviceGroup', input.id),
      }),
    }),
  }),
);
