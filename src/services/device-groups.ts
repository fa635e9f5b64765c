import { visibleGroups } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import type { AutomationLevel, OsPlatform } from '../generated/prisma/enums.js';
import {
  chooseDeviceGroup,
  effectiveAutomationLevel,
  planAllowsCustomDeviceGroups,
} from '../policy/index.js';
import type { Actor } from './actor.js';
import { badInput, DomainError, notFound } from './errors.js';
import { requireRole } from './roles.js';
import { audit, runMutation, type ServiceDeps } from './work.js';

export interface GroupRulesInput {
  hostnamePrefix?: string | null;
  domain?: string | null;
  tag?: string | null;
}

export interface CreateDeviceGroupInput {
  name: string;
  description?: string | null;
  automationLevel: AutomationLevel;
  rank?: number | null;
  rules?: GroupRulesInput | null;
  idempotencyKey?: string | null;
}

export interface UpdateDeviceGroupInput {
  id: string;
  name?: string | null;
  description?: string | null;
  automationLevel?: AutomationLevel | null;
  rank?: number | null;
  rules?: GroupRulesInput | null;
  idempotencyKey?: string | null;
}

export interface RegisterDeviceInput {
  hostname: string;
  osPlatform: OsPlatform;
  deviceGroupId?: string | null;
  domain?: string | null;
  tags?: string[] | null;
  idempotencyKey?: string | null;
}

/** Group changes of one tenant happen one at a time: ranks are unique and shift together. */
async function lockTenantGroups(tx: Transaction, tenantId: string) {
  const [tenant] = await tx.$queryRaw<{ plan: 'PLAN_1' | 'PLAN_2' | 'BUSINESS' }[]>`
    SELECT plan FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
  if (!tenant) throw notFound('Tenant');
  return tenant;
}

/** Ranks above this are only ever held inside a transaction that is moving groups. */
const PARKED = 1_000_000_000;

/**
 * Moves the groups at rank >= `from` by `by`. Done in two statements through a parking range, so
 * the unique (tenant, rank) index and the rank >= 1 check hold at every row.
 */
async function shiftRanks(tx: Transaction, tenantId: string, from: number, by: 1 | -1) {
  await tx.$executeRaw`UPDATE device_groups SET rank = rank + ${PARKED} WHERE "tenantId" = ${tenantId} AND rank >= ${from} AND rank < ${PARKED}`;
  await tx.$executeRaw`UPDATE device_groups SET rank = rank - ${PARKED} + ${by} WHERE "tenantId" = ${tenantId} AND rank > ${PARKED}`;
}

function rulesData(rules: GroupRulesInput | null | undefined) {
  if (rules === undefined) return {};
  const clean = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);
  return {
    ruleHostnamePrefix: clean(rules?.hostnamePrefix),
    ruleDomain: clean(rules?.domain),
    ruleTag: clean(rules?.tag),
  };
}

function checkName(name: string | null | undefined): string | undefined {
  if (name === undefined || name === null) return undefined;
  const trimmed = name.trim();
  if (!trimmed) throw badInput('input.name', 'name must not be empty.');
  if (trimmed.length > 120) throw badInput('input.name', 'name must be at most 120 characters.');
  if (trimmed === '*')
    throw badInput('input.name', 'name "*" is reserved: it means every group in a token.');
  return trimmed;
}

/**
 * Re-places every device of the tenant that was not placed explicitly, after rules or ranks
 * changed, and keeps its actions' group column in step.
 */
async function reevaluateMembership(tx: Transaction, tenantId: string): Promise<number> {
  const groups = await tx.deviceGroup.findMany({ where: { tenantId } });
  const devices = await tx.device.findMany({
    where: { tenantId, groupAssignedExplicitly: false },
    select: { id: true, hostname: true, domain: true, tags: true, deviceGroupId: true },
  });
  const moves = new Map<string, string[]>();
  for (const device of devices) {
    const target = chooseDeviceGroup(groups, device).id;
    if (target !== device.deviceGroupId)
      moves.set(target, [...(moves.get(target) ?? []), device.id]);
  }
  for (const [groupId, deviceIds] of moves) {
    await tx.device.updateMany({
      where: { id: { in: deviceIds } },
      data: { deviceGroupId: groupId },
    });
    await tx.remediationAction.updateMany({
      where: { deviceId: { in: deviceIds } },
      data: { deviceGroupId: groupId },
    });
  }
  return [...moves.values()].reduce((n, ids) => n + ids.length, 0);
}

function isUniqueViolation(error: unknown, field: string): boolean {
  const e = error as {
    code?: string;
    meta?: {
      target?: unknown;
      driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } };
    };
  };
  if (e?.code !== 'P2002') return false;
  const text = JSON.stringify(e.meta ?? {});
  return text.includes(field);
}

/** The group or device a call wrote; the API reads it back by id (a replay returns the same ids). */
export interface DeviceGroupResult {
  deviceGroupId: string;
}
export interface RegisterDeviceResult {
  deviceId: string;
  created: boolean;
}

/**
 * Device groups and devices (admin; registerDevice also ingest). Like every mutation they run
 * through runMutation: one transaction with their audit event, and an idempotencyKey replays the
 * first result.
 */
export function createDeviceGroupService(deps: ServiceDeps) {
  return {
    async createDeviceGroup(
      actor: Actor,
      input: CreateDeviceGroupInput,
    ): Promise<DeviceGroupResult> {
      requireRole(actor, 'admin');
      const name = checkName(input.name)!;
      if (input.rank != null && input.rank < 1)
        throw badInput('input.rank', 'rank must be 1 or more (1 is the highest).');
      const request = {
        name,
        description: input.description ?? null,
        automationLevel: input.automationLevel,
        rank: input.rank ?? null,
        rules: input.rules ?? null,
      };
      try {
        return await runMutation(
          deps,
          actor,
          { operation: 'createDeviceGroup', idempotencyKey: input.idempotencyKey, input: request },
          async (work) => {
            const { tx } = work;
            const tenant = await lockTenantGroups(tx, actor.tenantId);
            if (!planAllowsCustomDeviceGroups(tenant.plan)) {
              throw new DomainError(
                'PLAN_LIMIT',
                `The ${tenant.plan} plan has no custom device groups; PLAN_1 and PLAN_2 include them.`,
                undefined,
                {
                  includedIn: ['PLAN_1', 'PLAN_2'],
                },
              );
            }
            const fallback = await tx.deviceGroup.findFirstOrThrow({
              where: { tenantId: actor.tenantId, isDefault: true },
            });
            // A group goes last (just above the default group) unless it asks for a higher rank.
            const rank =
              input.rank == null || input.rank >= fallback.rank ? fallback.rank : input.rank;
            await shiftRanks(tx, actor.tenantId, rank, 1);
            const group = await tx.deviceGroup.create({
              data: {
                tenantId: actor.tenantId,
                name,
                description: input.description ?? null,
                automationLevel: effectiveAutomationLevel(tenant.plan, input.automationLevel),
                rank,
                ...rulesData(input.rules),
              },
            });
            const moved = await reevaluateMembership(tx, actor.tenantId);
            audit(work, {
              targetType: 'DeviceGroup',
              targetIds: [group.id],
              deviceGroupIds: [group.id],
              after: {
                ...group,
                createdAt: group.createdAt.toISOString(),
                updatedAt: group.updatedAt.toISOString(),
                devicesMoved: moved,
              },
              outcome: 'CREATED',
            });
            return { deviceGroupId: group.id };
          },
        );
      } catch (error) {
        if (isUniqueViolation(error, 'name'))
          throw badInput('input.name', `A device group named "${name}" already exists.`);
        throw error;
      }
    },

    async updateDeviceGroup(
      actor: Actor,
      input: UpdateDeviceGroupInput,
    ): Promise<DeviceGroupResult> {
      requireRole(actor, 'admin');
      const name = checkName(input.name);
      if (input.rank != null && input.rank < 1)
        throw badInput('input.rank', 'rank must be 1 or more (1 is the highest).');
      const { idempotencyKey, ...request } = input;
      // A replay answers as a new call would for a group no longer in the caller's scope.
      const rescope = async (tx: Transaction, stored: DeviceGroupResult) => {
        const visible = await tx.deviceGroup.findFirst({
          where: { id: stored.deviceGroupId, ...visibleGroups(actor) },
          select: { id: true },
        });
        if (!visible) throw notFound('Device group', 'input.id');
        return stored;
      };
      try {
        return await runMutation(
          deps,
          actor,
          { operation: 'updateDeviceGroup', idempotencyKey, input: request, rescope },
          async (work) => {
            const { tx } = work;
            const tenant = await lockTenantGroups(tx, actor.tenantId);
            const group = await tx.deviceGroup.findFirst({
              where: { id: input.id, ...visibleGroups(actor) },
            });
            if (!group) throw notFound('Device group', 'input.id');
            if (group.isDefault && name !== undefined && name !== group.name) {
              throw badInput('input.name', 'The default group keeps its name.');
            }
            if (group.isDefault && input.rank != null && input.rank !== group.rank) {
              throw badInput('input.rank', 'The default group always has the lowest rank.');
            }
            if (group.isDefault && input.rules != null)
              throw badInput('input.rules', 'The default group has no membership rules.');
            let rank = group.rank;
            if (input.rank != null && !group.isDefault && input.rank !== group.rank) {
              const fallback = await tx.deviceGroup.findFirstOrThrow({
                where: { tenantId: actor.tenantId, isDefault: true },
              });
              const target = Math.min(input.rank, fallback.rank - 1);
              // Take the group out of the order, close the gap, open one at the target, put it back.
              await tx.deviceGroup.update({ where: { id: group.id }, data: { rank: PARKED } });
              await shiftRanks(tx, actor.tenantId, group.rank + 1, -1);
              await shiftRanks(tx, actor.tenantId, target, 1);
              rank = target;
            }
            const updated = await tx.deviceGroup.update({
              where: { id: group.id },
              data: {
                ...(name !== undefined ? { name } : {}),
                ...(input.description !== undefined ? { description: input.description } : {}),
                ...(input.automationLevel
                  ? {
                      automationLevel: effectiveAutomationLevel(tenant.plan, input.automationLevel),
                    }
                  : {}),
                rank,
                ...rulesData(input.rules),
              },
            });
            const moved =
              input.rules !== undefined || rank !== group.rank
                ? await reevaluateMembership(tx, actor.tenantId)
                : 0;
            audit(work, {
              targetType: 'DeviceGroup',
              targetIds: [group.id],
              deviceGroupIds: [group.id],
              before: {
                name: group.name,
                description: group.description,
                automationLevel: group.automationLevel,
                rank: group.rank,
              },
              after: {
                name: updated.name,
                description: updated.description,
                automationLevel: updated.automationLevel,
                rank: updated.rank,
                devicesMoved: moved,
              },
              outcome: 'UPDATED',
            });
            return { deviceGroupId: updated.id };
          },
        );
      } catch (error) {
        if (name && isUniqueViolation(error, 'name'))
          throw badInput('input.name', `A device group named "${name}" already exists.`);
        throw error;
      }
    },

    async registerDevice(actor: Actor, input: RegisterDeviceInput): Promise<RegisterDeviceResult> {
      requireRole(actor, 'admin', 'ingest');
      const hostname = input.hostname.trim();
      if (!hostname) throw badInput('input.hostname', 'hostname must not be empty.');
      if (hostname.length > 255)
        throw badInput('input.hostname', 'hostname must be at most 255 characters.');
      const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
      const request = {
        hostname,
        osPlatform: input.osPlatform,
        deviceGroupId: input.deviceGroupId ?? null,
        domain: input.domain ?? null,
        tags,
      };
      return runMutation(
        deps,
        actor,
        { operation: 'registerDevice', idempotencyKey: input.idempotencyKey, input: request },
        async (work) => {
          const { tx } = work;
          // Registering a known hostname again returns the device as it is: agents re-register on boot.
          const existing = await tx.device.findUnique({
            where: { tenantId_hostname: { tenantId: actor.tenantId, hostname } },
          });
          if (existing) return { deviceId: existing.id, created: false };
          let groupId: string;
          if (input.deviceGroupId) {
            const explicit = await tx.deviceGroup.findFirst({
              where: { id: input.deviceGroupId, ...visibleGroups(actor) },
            });
            if (!explicit) throw notFound('Device group', 'input.deviceGroupId');
            groupId = explicit.id;
          } else {
            const groups = await tx.deviceGroup.findMany({ where: { tenantId: actor.tenantId } });
            groupId = chooseDeviceGroup(groups, {
              hostname,
              domain: input.domain ?? null,
              tags,
            }).id;
          }
          const device = await tx.device.create({
            data: {
              tenantId: actor.tenantId,
              hostname,
              osPlatform: input.osPlatform,
              domain: input.domain ?? null,
              tags,
              deviceGroupId: groupId,
              groupAssignedExplicitly: Boolean(input.deviceGroupId),
              lastSeenAt: work.now,
            },
          });
          audit(work, {
            targetType: 'Device',
            targetIds: [device.id],
            deviceGroupIds: [groupId],
            after: { hostname, osPlatform: input.osPlatform, deviceGroupId: groupId, tags },
            outcome: 'CREATED',
          });
          return { deviceId: device.id, created: true };
        },
      );
    },
  };
}
