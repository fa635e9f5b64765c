import { builder } from '../builder.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { descriptionSchema, groupNameSchema, rankSchema } from '../validation.js';
import { deviceGroupPayload } from './device-group.js';
import { DeviceGroupRulesInput } from './device-group-rules.js';
import { AutomationLevelEnum } from './enums.js';

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

const CreateDeviceGroupPayload = deviceGroupPayload('CreateDeviceGroupPayload');

builder.mutationField('createDeviceGroup', (t) =>
  t.field({
    type: CreateDeviceGroupPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateDeviceGroupInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() => ctx.services.deviceGroups.createDeviceGroup(actorOf(ctx), input)),
  }),
);
