import { builder } from '../builder.js';
import { idOf } from '../ids.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { descriptionSchema, groupNameSchema, rankSchema } from '../validation.js';
import { deviceGroupPayload } from './device-group.js';
import { DeviceGroupRulesInput } from './device-group-rules.js';
import { AutomationLevelEnum } from './enums.js';

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

const UpdateDeviceGroupPayload = deviceGroupPayload('UpdateDeviceGroupPayload');

builder.mutationField('updateDeviceGroup', (t) =>
  t.field({
    type: UpdateDeviceGroupPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateDeviceGroupInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.deviceGroups.updateDeviceGroup(actorOf(ctx), {
          ...input,
          id: idOf('id', 'DeviceGroup', input.id),
        }),
      ),
  }),
);
