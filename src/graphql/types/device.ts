import { visibleDevices } from '../../auth/scope.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { hostnameSchema, tagsSchema } from '../validation.js';
import { DeviceFilter, deviceFilterWhere } from './device-filter.js';
import { OsPlatformEnum } from './enums.js';

// The device: its type, the list, and registration.

type RegisterDeviceResult = Awaited<ReturnType<Services['deviceGroups']['registerDevice']>>;

export const DeviceRef = builder.prismaNode('Device', {
  id: { field: 'id' },
  // Select mode: each exposed field adds its own column, so a query reads only what it shows.
  select: { id: true },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleDevices(ctx.identity)] }),
  fields: (t) => ({
    hostname: t.exposeString('hostname'),
    osPlatform: t.expose('osPlatform', { type: OsPlatformEnum }),
    deviceGroup: t.relation('deviceGroup'),
    isolated: t.exposeBoolean('isolated'),
    codeExecutionRestricted: t.exposeBoolean('codeExecutionRestricted'),
    tags: t.exposeStringList('tags'),
    domain: t.exposeString('domain', { nullable: true }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('devices', (t) =>
  t.prismaConnection(
    {
      type: 'Device',
      cursor: 'id',
      authScopes: { viewer: true },
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.device.findMany({
          ...query,
          where: visibleDevices(ctx.identity),
          orderBy: [{ hostname: 'asc' }, { id: 'asc' }],
        }),
      totalCount: (_root, _args, ctx) =>
        ctx.prisma.device.count({ where: visibleDevices(ctx.identity) }),
    },
    DeviceConnection,
  ),
);

builder.queryField('searchDevices', (t) =>
  t.prismaConnection(
    {
      type: 'Device',
      cursor: 'id',
      description: "Devices matching a filter, within the caller's scope.",
      authScopes: { viewer: true },
      args: { filter: t.arg({ type: DeviceFilter }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.device.findMany({
          ...query,
          where: { AND: [visibleDevices(ctx.identity), deviceFilterWhere(args.filter)] },
          orderBy: [{ hostname: 'asc' }, { id: 'asc' }],
        }),
      totalCount: (_root, args, ctx) =>
        ctx.prisma.device.count({
          where: { AND: [visibleDevices(ctx.identity), deviceFilterWhere(args.filter)] },
        }),
    },
    DeviceConnection,
  ),
);

export const DeviceConnection = builder.connectionObject(
  { type: DeviceRef, name: 'DeviceConnection' },
  { name: 'DeviceEdge' },
);

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
            ? databaseId('deviceGroupId', 'DeviceGroup', input.deviceGroupId)
            : null,
        }),
      ),
  }),
);
