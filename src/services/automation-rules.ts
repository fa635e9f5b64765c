import { z } from 'zod';
import { visibleGroups } from '../auth/scope.js';
import type { Prisma } from '../db/client.js';
import { endOfActionLog } from '../db/store/index.js';
import {
  AUTOMATION_STEPS,
  AUTOMATION_TRIGGERS,
  SEVERITY_ORDER,
  stepFitsTrigger,
} from '../policy/automation-match.js';
import { REMEDIATION_ACTION_TYPES } from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { badInput } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import {
  idempotencyKeySchema,
  idSchema,
  missing,
  parseInput,
  requiredText,
} from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';

const sha256Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
  .transform((s) => s.toLowerCase());

const conditionSchema = z.object({
  deviceGroupIds: z.array(idSchema).max(100).nullish(),
  actionTypes: z.array(z.enum(REMEDIATION_ACTION_TYPES)).max(50).nullish(),
  minSeverity: z.enum(SEVERITY_ORDER).nullish(),
  sha256In: z.array(sha256Schema).max(10_000).nullish(),
});

const createSchema = z.object({
  name: requiredText(200),
  trigger: z.enum(AUTOMATION_TRIGGERS),
  condition: conditionSchema.nullish(),
  step: z.enum(AUTOMATION_STEPS),
  webhookId: idSchema.nullish(),
  assignTo: requiredText(200).nullish(),
  enabled: z.boolean().nullish(),
  idempotencyKey: idempotencyKeySchema,
});
export type CreateAutomationRuleInput = z.input<typeof createSchema>;

const updateSchema = z.object({
  id: idSchema,
  enabled: z.boolean().nullish(),
  name: requiredText(200).nullish(),
  idempotencyKey: idempotencyKeySchema,
});
export type UpdateAutomationRuleInput = z.input<typeof updateSchema>;

const deleteSchema = z.object({ id: idSchema, idempotencyKey: idempotencyKeySchema });
export type DeleteAutomationRuleInput = z.input<typeof deleteSchema>;

type CreateRule = z.output<typeof createSchema>;

/** The step's own field must be given, and an approval or rejection needs a pending action. */
function checkStep(input: CreateRule): void {
  if (!stepFitsTrigger(input.step, input.trigger))
    throw badInput('step', `step: ${input.step} decides a pending action; use ACTION_PENDING.`);
  if (input.step === 'ASSIGN_INCIDENT' && !input.assignTo)
    throw badInput('assignTo', 'assignTo: ASSIGN_INCIDENT needs someone to assign to.');
  if (input.step === 'NOTIFY_WEBHOOK' && !input.webhookId)
    throw badInput('webhookId', 'webhookId: NOTIFY_WEBHOOK needs the webhook to deliver to.');
  if (input.step !== 'NOTIFY_WEBHOOK' && input.webhookId)
    throw badInput('webhookId', 'webhookId: only a NOTIFY_WEBHOOK step delivers to a webhook.');
  if (input.trigger === 'INCIDENT_CREATED' || input.trigger === 'ALERT_REPORTED')
    throw badInput('trigger', `trigger: ${input.trigger} is not in the action log yet.`);
}

/** The condition's groups must be ones the admin may see (others look like missing ones). */
async function checkGroups(work: Work, ids: readonly string[]): Promise<void> {
  const found = await work.tx.deviceGroup.findMany({
    where: { AND: [{ id: { in: [...ids] } }, visibleGroups(work.actor)] },
    select: { id: true },
  });
  const known = new Set(found.map((group) => group.id));
  const index = ids.findIndex((id) => !known.has(id));
  if (index >= 0) throw missing('DeviceGroup', `condition.deviceGroupIds.${index}`);
}

/** The tenant's webhook a NOTIFY_WEBHOOK rule names (webhooks are tenant-wide), or NOT_FOUND. */
async function checkWebhook(work: Work, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const found = await work.tx.webhook.findFirst({
    where: { id, tenantId: work.actor.tenantId },
    select: { id: true },
  });
  if (!found) throw missing('Webhook', 'webhookId');
}

async function uniqueName(work: Work, name: string, exceptId: string | null): Promise<void> {
  const clash = await work.tx.automationRule.findFirst({
    where: { tenantId: work.actor.tenantId, name, NOT: exceptId ? { id: exceptId } : undefined },
    select: { id: true },
  });
  if (clash) throw badInput('name', `name: a rule named "${name}" exists already.`);
}

function auditRule(work: Work, id: string, before: unknown, after: unknown): void {
  audit(work, { targetType: 'AutomationRule', targetIds: [id], deviceGroupIds: [], before, after });
}

/** createAutomationRule (admin, SPEC §7.2): it acts later within this admin's groups. */
export async function createAutomationRule(
  deps: ServiceDeps,
  actor: Actor,
  raw: CreateAutomationRuleInput,
): Promise<{ ruleId: string }> {
  requireRole(actor, 'admin');
  const input = parseInput(createSchema, raw);
  checkStep(input);
  const { idempotencyKey, ...request } = input;
  const operation = 'createAutomationRule';
  return runMutation(deps, actor, { operation, idempotencyKey, input: request }, async (work) => {
    const condition = input.condition ?? {};
    await checkGroups(work, condition.deviceGroupIds ?? []);
    await checkWebhook(work, input.webhookId);
    await uniqueName(work, input.name, null);
    const rule = await work.tx.automationRule.create({
      data: {
        tenantId: actor.tenantId,
        name: input.name,
        enabled: input.enabled ?? true,
        trigger: input.trigger,
        condition: condition as Prisma.InputJsonValue,
        step: input.step,
        webhookId: input.webhookId ?? null,
        assignTo: input.assignTo ?? null,
        createdBy: actor.subject,
        creatorGroups: actor.groups === 'all' ? [] : [...actor.groups],
        creatorAllGroups: actor.groups === 'all',
        sinceEventId: await endOfActionLog(work.tx, actor.tenantId),
        createdAt: work.now,
      },
    });
    auditRule(work, rule.id, null, { ...request, condition });
    return { ruleId: rule.id };
  });
}

/** The admin's own tenant's rule, or NOT_FOUND. */
async function findRule(work: Work, id: string) {
  const rule = await work.tx.automationRule.findFirst({
    where: { id, tenantId: work.actor.tenantId },
  });
  if (!rule) throw missing('AutomationRule', 'id');
  return rule;
}

/** updateAutomationRule: rename, enable or disable. Enabling starts from the end of the log. */
export async function updateAutomationRule(
  deps: ServiceDeps,
  actor: Actor,
  raw: UpdateAutomationRuleInput,
): Promise<{ ruleId: string }> {
  requireRole(actor, 'admin');
  const input = parseInput(updateSchema, raw);
  const { idempotencyKey, ...request } = input;
  const operation = 'updateAutomationRule';
  return runMutation(deps, actor, { operation, idempotencyKey, input: request }, async (work) => {
    const rule = await findRule(work, input.id);
    if (input.name) await uniqueName(work, input.name, rule.id);
    const enabling = input.enabled === true && !rule.enabled;
    await work.tx.automationRule.update({
      where: { id: rule.id },
      data: {
        name: input.name ?? undefined,
        enabled: input.enabled ?? undefined,
        sinceEventId: enabling ? await endOfActionLog(work.tx, actor.tenantId) : undefined,
      },
    });
    auditRule(work, rule.id, { name: rule.name, enabled: rule.enabled }, request);
    return { ruleId: rule.id };
  });
}

/** deleteAutomationRule: the rule fires no more; its past firings stay in the audit log. */
export async function deleteAutomationRule(
  deps: ServiceDeps,
  actor: Actor,
  raw: DeleteAutomationRuleInput,
): Promise<{ deletedId: string }> {
  requireRole(actor, 'admin');
  const input = parseInput(deleteSchema, raw);
  const { idempotencyKey, ...request } = input;
  const operation = 'deleteAutomationRule';
  return runMutation(deps, actor, { operation, idempotencyKey, input: request }, async (work) => {
    const rule = await findRule(work, input.id);
    await work.tx.automationRule.delete({ where: { id: rule.id } });
    auditRule(work, rule.id, { name: rule.name }, null);
    return { deletedId: rule.id };
  });
}

/** The admin's rule use cases, bound to the services' dependencies. */
export function createAutomationRuleService(deps: ServiceDeps) {
  return {
    create: (actor: Actor, input: CreateAutomationRuleInput) =>
      createAutomationRule(deps, actor, input),
    update: (actor: Actor, input: UpdateAutomationRuleInput) =>
      updateAutomationRule(deps, actor, input),
    delete: (actor: Actor, input: DeleteAutomationRuleInput) =>
      deleteAutomationRule(deps, actor, input),
  };
}
