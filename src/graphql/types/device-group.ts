import { visibleDevices, visibleGroups } from '../../auth/scope.js';
import type { DeviceGroupResult } from '../../services/device-groups.js';
import { builder } from '../builder.js';
import { asUuid } from '../ids.js';
import { DeviceConnection } from './device.js';
import { DeviceGroupRulesRef } from './device-group-rules.js';
import { AutomationLevelEnum } from './enums.js';

export const DeviceGroupRef = builder.prismaNode('DeviceGroup', {
  id: { field: 'id' },
  // node()/nodes() and every reference go through this filter: out of scope is "not found".
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleGroups(ctx.identity)] }),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    automationLevel: t.expose('automationLevel', { type: AutomationLevelEnum }),
    rank: t.exposeInt('rank'),
    isDefault: t.exposeBoolean('isDefault'),
    rules: t.field({
      type: DeviceGroupRulesRef,
      resolve: (group) => group,
    }),
    devices: t.relatedConnection(
      'devices',
      {
        cursor: 'id',
        query: (_args, ctx) => ({
          where: visibleDevices(ctx.identity),
          orderBy: { hostname: 'asc' },
        }),
        totalCount: true,
      },
      DeviceConnection,
    ),
  }),
});

builder.queryField('deviceGroups', (t) =>
  t.prismaConnection(
    {
      type: 'DeviceGroup',
      cursor: 'id',
      authScopes: { viewer: true },
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.deviceGroup.findMany({
          ...query,
          where: visibleGroups(ctx.identity),
          orderBy: { rank: 'asc' },
        }),
      totalCount: (_root, _args, ctx) =>
        ctx.prisma.deviceGroup.count({ where: visibleGroups(ctx.identity) }),
    },
    DeviceGroupConnection,
  ),
);

export const DeviceGroupConnection = builder.connectionObject(
  { type: DeviceGroupRef, name: 'DeviceGroupConnection' },
  { name: 'DeviceGroupEdge' },
);

/**
 * A mutation payload holding the group the call wrote, read back by id (also on a replay) in the
 * caller's tenant: the caller named or created it, and a replay was re-checked by the service.
 */
export function deviceGroupPayload(name: string) {
  return builder.objectRef<DeviceGroupResult>(name).implement({
    fields: (t) => ({
      deviceGroup: t.prismaField({
        type: 'DeviceGroup',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.deviceGroup.findFirstOrThrow({
            ...query,
            where: { id: payload.deviceGroupId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });
}
