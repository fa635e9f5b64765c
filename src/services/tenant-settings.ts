import { z } from 'zod';
import { mayReadAllGroups } from '../auth/identity.js';
import type { Transaction } from '../db/client.js';
import { lockTenant } from '../db/store/index.js';
import { scopedClient, tenantScope } from '../db/tenant-scope.js';
import {
  PLANS,
  type Plan,
  pendingTtlHoursShown,
  planAllowsCustomDeviceGroups,
} from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { badInput, DomainError, notFound } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, parseInput } from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';

/** A year: a longer wait for approval is a forgotten action, not a setting. */
const MAX_PENDING_TTL_HOURS = 8760;

const updateSchema = z.object({
  plan: z.enum(PLANS).nullish(),
  pendingActionTtlHours: z
    .number()
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1 hour')
    .max(MAX_PENDING_TTL_HOURS, `must be at most ${MAX_PENDING_TTL_HOURS} hours (a year)`)
    .nullish(),
  idempotencyKey: idempotencyKeySchema,
});
export type UpdateTenantSettingsInput = z.input<typeof updateSchema>;

export interface TenantSettings {
  plan: Plan;
  pendingActionTtlHours: number;
}

/**
 * Tenant settings are tenant-wide (SPEC §7.1): an admin whose token covers every device group
 * (`groups: ["*"]`) reads and changes them; a group-limited admin is FORBIDDEN.
 */
function requireTenantAdmin(actor: Actor): void {
  requireRole(actor, 'admin');
  if (!mayReadAllGroups(actor))
    throw new DomainError(
      'FORBIDDEN',
      'Tenant settings need an admin of every device group (groups: ["*"]): they apply to the whole tenant.',
    );
}

async function readSettings(
  tx: Pick<Transaction, 'tenant'>,
  deps: ServiceDeps,
  tenantId: string,
): Promise<TenantSettings> {
  const tenant = await tx.tenant.findUnique({
    where: { id: tenantId },
    select: { plan: true, pendingActionTtlHours: true },
  });
  if (!tenant) throw notFound('Tenant');
  return {
    plan: tenant.plan,
    pendingActionTtlHours: pendingTtlHoursShown(tenant.pendingActionTtlHours, deps.pendingTtlMs),
  };
}

/** tenantSettings: the plan and the pending-action TTL (the deployment's default until set). */
export async function tenantSettings(deps: ServiceDeps, actor: Actor): Promise<TenantSettings> {
  requireTenantAdmin(actor);
  return readSettings(scopedClient(deps.prisma, tenantScope(actor.tenantId)), deps, actor.tenantId);
}

/**
 * updateTenantSettings: the plan and the pending TTL, for later decisions and requests only
 * (pending actions keep their expiry; past actions, their decisions and explanations, are never
 * rewritten). A downgrade to a plan without custom device groups (BUSINESS) while the tenant has
 * some is refused (CONFLICT on `plan`, naming them): deleting them moves their devices by the
 * membership rules, a choice the admin makes group by group, not a side effect of a plan change.
 */
export async function updateTenantSettings(
  deps: ServiceDeps,
  actor: Actor,
  raw: UpdateTenantSettingsInput,
): Promise<TenantSettings> {
  requireTenantAdmin(actor);
  const input = parseInput(updateSchema, raw);
  if (input.plan == null && input.pendingActionTtlHours == null)
    throw badInput('plan', 'plan: give a plan or pendingActionTtlHours to change.');
  const { idempotencyKey, ...fields } = input;
  const request = {
    plan: fields.plan ?? null,
    pendingActionTtlHours: fields.pendingActionTtlHours ?? null,
  };
  const operation = { operation: 'updateTenantSettings', idempotencyKey, input: request };
  return runMutation(deps, actor, operation, (work) => applySettings(work, request));
}

async function applySettings(
  work: Work,
  change: { plan: Plan | null; pendingActionTtlHours: number | null },
): Promise<TenantSettings> {
  const { tx, actor } = work;
  // Locked like group changes, so a group created concurrently cannot slip past the plan check.
  if (!(await lockTenant(tx, actor.tenantId))) throw notFound('Tenant');
  const before = await readSettings(tx, work.deps, actor.tenantId);
  if (change.plan && !planAllowsCustomDeviceGroups(change.plan))
    await refuseWithCustomGroups(work, change.plan);
  await tx.tenant.update({
    where: { id: actor.tenantId },
    data: {
      ...(change.plan ? { plan: change.plan } : {}),
      ...(change.pendingActionTtlHours
        ? { pendingActionTtlHours: change.pendingActionTtlHours }
        : {}),
    },
  });
  const after = await readSettings(tx, work.deps, actor.tenantId);
  audit(work, {
    targetType: 'Tenant',
    targetIds: [actor.tenantId],
    deviceGroupIds: [],
    before,
    after,
    outcome: 'UPDATED',
  });
  return after;
}

async function refuseWithCustomGroups(work: Work, plan: Plan): Promise<void> {
  const custom = await work.tx.deviceGroup.findMany({
    where: { tenantId: work.actor.tenantId, isDefault: false },
    select: { name: true },
    orderBy: { rank: 'asc' },
  });
  if (custom.length === 0) return;
  const names = custom.map((group) => `"${group.name}"`).join(', ');
  throw new DomainError(
    'CONFLICT',
    `plan: the ${plan} plan has no custom device groups; delete ${custom.length === 1 ? 'the group' : `the ${custom.length} groups`} ${names} first (their devices then move by the membership rules).`,
    'plan',
    { customDeviceGroups: custom.map((group) => group.name) },
  );
}
