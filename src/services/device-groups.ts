import { z } from 'zod';
import { mayReadAllGroups } from '../auth/identity.js';
import { visibleGroups } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import { lockTenant, PARKED_RANK, shiftGroupRanks } from '../db/store/index.js';
import {
  AUTOMATION_LEVELS,
  customDeviceGroupRefusal,
  effectiveAutomationLevel,
  PLANS_WITH_CUSTOM_DEVICE_GROUPS,
  planAllowsCustomDeviceGroups,
} from '../policy/index.js';
import { type DeleteDeviceGroupInput, deleteDeviceGroup } from './delete-device-group.js';
import { isUniqueViolation, reevaluateMembership, rulesData } from './device-group-membership.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { badInput, DomainError, notFound } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, idSchema, parseInput, requiredText } from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';
import { type RegisterDeviceInput, registerDevice } from './register-device.js';

export type { DeleteDeviceGroupInput, DeleteDeviceGroupResult } from './delete-device-group.js';
export type { GroupRulesInput } from './device-group-membership.js';
export type { RegisterDeviceInput, RegisterDeviceResult } from './register-device.js';

const groupName = requiredText(120).refine(
  (name) => name !== '*',
  'name "*" is reserved: it means every group in a token',
);
const rankSchema = z.number().int().min(1, 'must be 1 or more (1 is the highest)');
const rulesSchema = z
  .object({
    hostnamePrefix: z.string().max(255).nullish(),
    domain: z.string().max(255).nullish(),
    tag: z.string().max(255).nullish(),
  })
  .nullish();
const description = z.string().max(2000, 'must be at most 2000 characters').nullish();

const createSchema = z.object({
  name: groupName,
  description,
  automationLevel: z.enum(AUTOMATION_LEVELS),
  rank: rankSchema.nullish(),
  rules: rulesSchema,
  idempotencyKey: idempotencyKeySchema,
});
const updateSchema = z.object({
  id: idSchema,
  name: groupName.nullish(),
  description,
  automationLevel: z.enum(AUTOMATION_LEVELS).nullish(),
  rank: rankSchema.nullish(),
  rules: rulesSchema,
  idempotencyKey: idempotencyKeySchema,
});
export type CreateDeviceGroupInput = z.input<typeof createSchema>;
export type UpdateDeviceGroupInput = z.input<typeof updateSchema>;
type GroupUpdate = z.output<typeof updateSchema>;

/** The group a call wrote; the API reads it back by id (a replay returns the same id). */
export interface DeviceGroupResult {
  deviceGroupId: string;
}

/** Group changes of one tenant happen one at a time: ranks are unique and shift together. */
async function lockTenantGroups(tx: Transaction, tenantId: string) {
  const tenant = await lockTenant(tx, tenantId);
  if (!tenant) throw notFound('Tenant');
  return tenant;
}

const defaultGroup = (tx: Transaction, tenantId: string) =>
  tx.deviceGroup.findFirstOrThrow({ where: { tenantId, isDefault: true } });

/**
 * Who may change the order of groups (issue 10 item 2). Creating a group, renaming one, moving a
 * rank and changing rules decide where every device of the tenant goes and which names exist:
 * tenant-wide facts. Only an admin of every group (`groups: ["*"]`) may change them; otherwise a
 * group-limited admin could capture devices it cannot see (a rank-1 group whose rules match them)
 * or learn another group's name from a clash. A group-limited admin changes the automation level
 * and description of the groups it can see.
 */
function requireEveryGroup(actor: Actor, what: string, field?: string): void {
  if (mayReadAllGroups(actor)) return;
  throw new DomainError(
    'FORBIDDEN',
    `${field ? `${field}: ` : ''}${what} needs an admin of every device group (groups: ["*"]): it decides which group every device of the tenant belongs to.`,
    field,
  );
}

/** The fields of an update that change the order of groups, as a group-limited admin sent them. */
function refuseOrderChange(
  actor: Actor,
  group: { name: string; rank: number },
  input: GroupUpdate,
) {
  if (input.name != null && input.name !== group.name)
    requireEveryGroup(actor, 'Renaming a device group', 'name');
  if (input.rank != null && input.rank !== group.rank)
    requireEveryGroup(actor, 'Moving a device group to another rank', 'rank');
  if (input.rules !== undefined)
    requireEveryGroup(actor, "Changing a device group's membership rules", 'rules');
}

/** A duplicate name (the unique index decides, also between concurrent calls) names the field. */
async function refusingDuplicateName<T>(name: string | null | undefined, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    if (name && isUniqueViolation(error, 'name'))
      throw badInput('name', `name: a device group named "${name}" already exists.`);
    throw error;
  }
}

/**
 * createDeviceGroup (admin; SPEC §1): within the plan's limits (PLAN_LIMIT names the plans that
 * include custom groups), at the rank asked for (the others shift down) or last, just above the
 * default group; devices not placed explicitly are re-placed by the rules.
 */
async function createDeviceGroup(deps: ServiceDeps, actor: Actor, raw: CreateDeviceGroupInput) {
  requireRole(actor, 'admin');
  requireEveryGroup(actor, 'Creating a device group');
  const input = parseInput(createSchema, raw);
  const { idempotencyKey, ...fields } = input;
  const request = {
    ...fields,
    description: fields.description ?? null,
    rank: fields.rank ?? null,
    rules: fields.rules ?? null,
  };
  const operation = { operation: 'createDeviceGroup', idempotencyKey, input: request };
  return refusingDuplicateName(input.name, () =>
    runMutation(deps, actor, operation, async (work): Promise<DeviceGroupResult> => {
      const { tx } = work;
      const tenant = await lockTenantGroups(tx, actor.tenantId);
      if (!planAllowsCustomDeviceGroups(tenant.plan)) {
        throw new DomainError('PLAN_LIMIT', customDeviceGroupRefusal(tenant.plan), undefined, {
          includedIn: [...PLANS_WITH_CUSTOM_DEVICE_GROUPS],
        });
      }
      const fallback = await defaultGroup(tx, actor.tenantId);
      const rank = input.rank == null || input.rank >= fallback.rank ? fallback.rank : input.rank;
      await shiftGroupRanks(tx, actor.tenantId, rank, 1);
      const group = await tx.deviceGroup.create({
        data: {
          tenantId: actor.tenantId,
          name: input.name,
          description: input.description ?? null,
          automationLevel: effectiveAutomationLevel(tenant.plan, input.automationLevel),
          rank,
          ...rulesData(input.rules),
        },
      });
      const moved = await reevaluateMembership(tx, actor.tenantId);
      const { createdAt, updatedAt } = group;
      audit(work, {
        targetType: 'DeviceGroup',
        targetIds: [group.id],
        deviceGroupIds: [group.id],
        after: {
          ...group,
          createdAt: createdAt.toISOString(),
          updatedAt: updatedAt.toISOString(),
          devicesMoved: moved,
        },
        outcome: 'CREATED',
      });
      return { deviceGroupId: group.id };
    }),
  );
}

/**
 * updateDeviceGroup (admin): name, description, level, rank (the others shift; the default group
 * keeps its name, lowest rank and no rules), rules; a change of rules or rank re-places devices.
 * A level change applies to decisions made after it.
 */
async function updateDeviceGroup(deps: ServiceDeps, actor: Actor, raw: UpdateDeviceGroupInput) {
  requireRole(actor, 'admin');
  const input = parseInput(updateSchema, raw);
  const { idempotencyKey, ...request } = input;
  // A replay answers as a new call would for a group no longer in the caller's scope.
  const rescope = async (tx: Transaction, stored: DeviceGroupResult) => {
    await findVisibleGroup(tx, actor, stored.deviceGroupId);
    return stored;
  };
  const operation = { operation: 'updateDeviceGroup', idempotencyKey, input: request, rescope };
  return refusingDuplicateName(input.name, () =>
    runMutation(deps, actor, operation, (work) => applyGroupUpdate(work, input)),
  );
}

async function findVisibleGroup(tx: Transaction, actor: Actor, id: string) {
  const group = await tx.deviceGroup.findFirst({ where: { id, ...visibleGroups(actor) } });
  if (!group) throw notFound('Device group', 'id');
  return group;
}

async function applyGroupUpdate(work: Work, input: GroupUpdate): Promise<DeviceGroupResult> {
  const { tx, actor } = work;
  const tenant = await lockTenantGroups(tx, actor.tenantId);
  const group = await findVisibleGroup(tx, actor, input.id);
  refuseOrderChange(actor, group, input);
  const name = input.name ?? undefined;
  if (group.isDefault) refuseDefaultGroupChange(group, { ...input, name });
  const rank = await moveRank(work, group, input.rank);
  const level = input.automationLevel;
  const updated = await tx.deviceGroup.update({
    where: { id: group.id },
    data: {
      ...(name !== undefined ? { name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(level ? { automationLevel: effectiveAutomationLevel(tenant.plan, level) } : {}),
      rank,
      ...rulesData(input.rules),
    },
  });
  const rulesOrRankChanged = input.rules !== undefined || rank !== group.rank;
  const moved = rulesOrRankChanged ? await reevaluateMembership(tx, actor.tenantId) : 0;
  const facts = (g: typeof group) => ({
    name: g.name,
    description: g.description,
    automationLevel: g.automationLevel,
    rank: g.rank,
  });
  audit(work, {
    targetType: 'DeviceGroup',
    targetIds: [group.id],
    deviceGroupIds: [group.id],
    before: facts(group),
    after: { ...facts(updated), devicesMoved: moved },
    outcome: 'UPDATED',
  });
  return { deviceGroupId: updated.id };
}

/** The default group keeps its name, the lowest rank, and has no membership rules. */
function refuseDefaultGroupChange(
  group: { name: string; rank: number },
  input: { name?: string; rank?: number | null; rules?: unknown },
): void {
  if (input.name !== undefined && input.name !== group.name)
    throw badInput('name', 'name: the default group keeps its name.');
  if (input.rank != null && input.rank !== group.rank)
    throw badInput('rank', 'rank: the default group always has the lowest rank.');
  if (input.rules != null)
    throw badInput('rules', 'rules: the default group has no membership rules.');
}

/**
 * Moves a group to `target` (at most just above the default group): take it out of the order,
 * close the gap, open one at the target, put it back. Returns its rank afterwards.
 */
async function moveRank(
  work: Work,
  group: { id: string; rank: number; isDefault: boolean },
  target: number | null | undefined,
): Promise<number> {
  if (target == null || group.isDefault || target === group.rank) return group.rank;
  const { tx, actor } = work;
  const fallback = await defaultGroup(tx, actor.tenantId);
  const rank = Math.min(target, fallback.rank - 1);
  await tx.deviceGroup.update({ where: { id: group.id }, data: { rank: PARKED_RANK } });
  await shiftGroupRanks(tx, actor.tenantId, group.rank + 1, -1);
  await shiftGroupRanks(tx, actor.tenantId, rank, 1);
  return rank;
}

/**
 * Device groups and devices (admin; registerDevice also ingest). Like every mutation they run
 * through runMutation: one transaction with their audit event, and an idempotencyKey replays the
 * first result.
 */
export function createDeviceGroupService(deps: ServiceDeps) {
  return {
    createDeviceGroup: (actor: Actor, input: CreateDeviceGroupInput) =>
      createDeviceGroup(deps, actor, input),
    updateDeviceGroup: (actor: Actor, input: UpdateDeviceGroupInput) =>
      updateDeviceGroup(deps, actor, input),
    deleteDeviceGroup: (actor: Actor, input: DeleteDeviceGroupInput) =>
      deleteDeviceGroup(deps, actor, input),
    registerDevice: (actor: Actor, input: RegisterDeviceInput) =>
      registerDevice(deps, actor, input),
  };
}
