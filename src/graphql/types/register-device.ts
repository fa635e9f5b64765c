import type { Device } from '../../generated/prisma/client.js';
import { actorFrom } from '../../services/actor.js';
import { builder } from '../builder.js';
import { idOf } from '../ids.js';
import { DeviceRef } from './device.js';
import { OsPlatformEnum } from './enums.js';
import { hostnameSchema, tagsSchema } from '../validation.js';

const RegisterDeviceInput = builder.inputType('RegisterDeviceInput', {
  fields: (t) => ({
    hostname: t.string({ required: true, validate: hostnameSchema }),
    osPlatform: t.field({ type: OsPlatformEnum, required: true }),
    deviceGroupId: t.globalID(),
    tags: t.stringList({ validate: tagsSchema }),
    idempotencyKey: t.string(),
    domain: t.string(),
  }),
});

const RegisterDevicePayload = builder
  .objectRef<{ device: Device }>('RegisterDevicePayload')
  .implement({ fields: (t) => ({ device: t.field({ type: DeviceRef, resolve: (payload) => payload.device }) }) });

builder.mutationField('registerDevice', (t) =>
  t.field({
    type: RegisterDevicePayload,
    authScopes: { admin: true, ingest: true },
    args: { input: t.arg({ type: RegisterDeviceInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { device } = await ctx.services.deviceGroups.registerDevice(actorFrom(ctx.identity, ctx.requestId), {
        ...input,
        deviceGroupId: input.deviceGroupId ? idOf('input.deviceGroupId', 'DeviceGroup', input.deviceGroupId) : null,
      });
      return { device };
    },
  }),
);
