import { builder } from '../builder.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { PlanEnum } from './enums.js';

// Tenant settings (SPEC §7.1): the plan and the pending-action TTL; an admin of every group.

export const TenantSettingsRef = builder
  .objectRef<{ plan: 'PLAN_1' | 'PLAN_2' | 'BUSINESS'; pendingActionTtlHours: number }>(
    'TenantSettings',
  )
  .implement({
    fields: (t) => ({
      plan: t.expose('plan', { type: PlanEnum }),
      pendingActionTtlHours: t.exposeInt('pendingActionTtlHours', {
        description:
          "Hours an action waits for approval before it expires: the tenant's own setting, else the deployment's default (QUELL_PENDING_TTL_HOURS).",
      }),
    }),
  });

builder.queryField('tenantSettings', (t) =>
  t.field({
    type: TenantSettingsRef,
    description: 'Admin of every device group (groups: ["*"]); others get FORBIDDEN.',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.services.tenantSettings(actorOf(ctx)),
  }),
);

const UpdateTenantSettingsInput = builder.inputType('UpdateTenantSettingsInput', {
  fields: (t) => ({
    plan: t.field({ type: PlanEnum }),
    pendingActionTtlHours: t.int(),
    idempotencyKey: t.string(),
  }),
});

const UpdateTenantSettingsPayload = builder
  .objectRef<{ settings: typeof TenantSettingsRef.$inferType }>('UpdateTenantSettingsPayload')
  .implement({
    fields: (t) => ({ settings: t.field({ type: TenantSettingsRef, resolve: (p) => p.settings }) }),
  });

builder.mutationField('updateTenantSettings', (t) =>
  t.field({
    type: UpdateTenantSettingsPayload,
    description:
      'Admin of every device group (groups: ["*"]). Applies to later decisions and requests only: pending actions keep their expiry, past actions are never rewritten. A plan without custom device groups (BUSINESS) is refused (CONFLICT on plan) while the tenant has some: delete them first.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateTenantSettingsInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      settings: await withInputFields(() => ctx.services.updateTenantSettings(actorOf(ctx), input)),
    }),
  }),
);
