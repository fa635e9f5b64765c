import type { RegisterDeviceResult } from '../../services/device-groups.js';
import { builder } from '../builder.js';
import { idOf } from '../ids.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import './device.js';
import { hostnameSchema, tagsSchema } from '../validation.js';
import { OsPlatformEnum } from './enums.js';

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
  .objectRef<RegisterDeviceResult>('RegisterDevicePayload')
  .implement({
    fields: (t) => ({
      // The device registered (or already known by its hostname): the registrant named it.
      device: t.prismaField({
        type: 'Device',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.device.findFirstOrThrow({
            ...query,
            where: { id: payload.deviceId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });

builder.mutationField('registerDevice', (t) =>
  t.field({
    type: RegisterDevicePayload,
    authScopes: { admin: true, ingest: true },
    args: { input: t.arg({ type: RegisterDeviceInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.deviceGroups.registerDevice(actorOf(ctx), {
          ...input,
          deviceGroupId: input.deviceGroupId
            ? idOf('deviceGroupId', 'DeviceGroup', input.deviceGroupId)
            : null,
        }),
      ),
  }),
);
