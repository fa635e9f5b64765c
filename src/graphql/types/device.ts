import { visibleDevices } from '../../auth/scope.js';
import { builder } from '../builder.js';
import { asUuid } from '../ids.js';
import { OsPlatformEnum } from './enums.js';

export const DeviceRef = builder.prismaNode('Device', {
  id: { field: 'id' },
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

export const DeviceConnection = builder.connectionObject(
  { type: DeviceRef, name: 'DeviceConnection' },
  { name: 'DeviceEdge' },
);
