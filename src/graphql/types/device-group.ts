import { visibleDevices, visibleGroups } from '../../auth/scope.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId, encodeGlobalID } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { descriptionSchema, groupNameSchema, rankSchema } from '../validation.js';
import { DeviceConnection } from './device.js';
import { DeviceFilter, deviceFilterWhere } from './device-filter.js';
import { AutomationLevelEnum } from './enums.js';

// The device group: its type and membership rules, the list, create and update.

type DeviceGroupResult = Awaited<ReturnType<Services['deviceGroups']['createDeviceGroup']>>;

/** Membership rules of a device group (an addition to the contract): all optional, all must match. */
export const DeviceGroupRulesInput = builder.inputType('DeviceGroupRulesInput', {
  fields: (t) => ({
    hostnamePrefix: t.string({
      description: 'Devices whose hostname starts with this (any case).',
    }),
    domain: t.string({ description: 'Devices joined to this domain.' }),
    tag: t.string({ description: 'Devices carrying this tag.' }),
  }),
});

export const DeviceGroupRulesRef = builder.objectRef<{
  ruleHostnamePrefix: string | null;
  ruleDomain: string | null;
  ruleTag: string | null;
}>('DeviceGroupRules');

builder.objectType(DeviceGroupRulesRef, {
  description:
    'The membership rules of a device group; a device matches when it meets every rule set.',
  fields: (t) => ({
    hostnamePrefix: t.exposeString('ruleHostnamePrefix', { nullable: true }),
    domain: t.exposeString('ruleDomain', { nullable: true }),
    tag: t.exposeString('ruleTag', { nullable: true }),
  }),
});

export const DeviceGroupRef = builder.prismaNode('DeviceGroup', {
  id: { field: 'id' },
  // Select mode: each exposed field adds its own column, so a query reads only what it shows.
  select: { id: true },
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
      select: { ruleHostnamePrefix: true, ruleDomain: true, ruleTag: true },
      resolve: (group) => group,
    }),
    devices: t.relatedConnection(
      'devices',
      {
        cursor: 'id',
        args: { filter: t.arg({ type: DeviceFilter }) },
        query: (args, ctx) => ({
          where: { AND: [visibleDevices(ctx.identity), deviceFilterWhere(args.filter)] },
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
    description:
      'Admin of every device group (groups: ["*"]): a new group\'s rank and rules decide where every device of the tenant goes, so an admin limited to some groups gets FORBIDDEN.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateDeviceGroupInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() => ctx.services.deviceGroups.createDeviceGroup(actorOf(ctx), input)),
  }),
);

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
    description:
      'Admin: changes a group the token can see. Its name, rank and rules are reserved to an admin of every device group (groups: ["*"]), since they decide where every device goes and which names exist; an admin limited to some groups may change the automation level and description (else FORBIDDEN naming the field).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateDeviceGroupInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.deviceGroups.updateDeviceGroup(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'DeviceGroup', input.id),
        }),
      ),
  }),
);

const DeleteDeviceGroupInput = builder.inputType('DeleteDeviceGroupInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    idempotencyKey: t.string(),
  }),
});

type DeleteDeviceGroupResult = Awaited<ReturnType<Services['deviceGroups']['deleteDeviceGroup']>>;

const DeleteDeviceGroupPayload = builder
  .objectRef<DeleteDeviceGroupResult>('DeleteDeviceGroupPayload')
  .implement({
    fields: (t) => ({
      deletedId: t.id({
        resolve: (payload) => encodeGlobalID('DeviceGroup', payload.deletedId),
      }),
      devicesMoved: t.exposeInt('devicesMoved'),
    }),
  });

builder.mutationField('deleteDeviceGroup', (t) =>
  t.field({
    type: DeleteDeviceGroupPayload,
    description:
      'Admin, a group the token can see (others are NOT_FOUND); never the default group. Its devices move to the highest-ranked other group whose rules match, else the default group; their actions keep the group they were decided under (RemediationAction.decisionDeviceGroup).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeleteDeviceGroupInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.deviceGroups.deleteDeviceGroup(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'DeviceGroup', input.id),
        }),
      ),
  }),
);
