import type { AutomationCondition } from '../../policy/automation-match.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId, databaseIds, encodeGlobalID } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { RemediationActionTypeEnum, SeverityEnum } from './enums.js';

// Automation rules (SPEC §7.2): the type, the admin's list, create, update, delete.

const AutomationTriggerEnum = builder.enumType('AutomationTrigger', {
  values: [
    'ACTION_PENDING',
    'ACTION_STATUS_CHANGED',
    'INCIDENT_CREATED',
    'ALERT_REPORTED',
  ] as const,
});
const AutomationStepEnum = builder.enumType('AutomationStep', {
  values: ['NOTIFY_WEBHOOK', 'APPROVE', 'REJECT', 'ASSIGN_INCIDENT'] as const,
});

const AutomationConditionRef = builder
  .objectRef<AutomationCondition>('AutomationCondition')
  .implement({
    fields: (t) => ({
      deviceGroupIds: t.idList({
        nullable: true,
        resolve: (c) => c.deviceGroupIds?.map((id) => encodeGlobalID('DeviceGroup', id)) ?? null,
      }),
      actionTypes: t.field({
        type: [RemediationActionTypeEnum],
        nullable: true,
        resolve: (c) => (c.actionTypes ? [...c.actionTypes] : null),
      }),
      minSeverity: t.field({
        type: SeverityEnum,
        nullable: true,
        resolve: (c) => c.minSeverity ?? null,
      }),
      sha256In: t.stringList({
        nullable: true,
        resolve: (c) => (c.sha256In ? [...c.sha256In] : null),
      }),
    }),
  });

export const AutomationRuleRef = builder.prismaNode('AutomationRule', {
  id: { field: 'id' },
  authScopes: { admin: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), tenantId: ctx.identity.tenantId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    enabled: t.exposeBoolean('enabled'),
    trigger: t.expose('trigger', { type: AutomationTriggerEnum }),
    condition: t.field({
      type: AutomationConditionRef,
      resolve: (rule) => rule.condition as AutomationCondition,
    }),
    step: t.expose('step', { type: AutomationStepEnum }),
    assignTo: t.exposeString('assignTo', { nullable: true }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AutomationRuleConnection = builder.connectionObject(
  { type: AutomationRuleRef, name: 'AutomationRuleConnection' },
  { name: 'AutomationRuleEdge' },
);

builder.queryField('automationRules', (t) =>
  t.prismaConnection(
    {
      type: 'AutomationRule',
      cursor: 'id',
      authScopes: { admin: true },
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.automationRule.findMany({
          ...query,
          where: { tenantId: ctx.identity.tenantId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }),
      totalCount: (_root, _args, ctx) =>
        ctx.prisma.automationRule.count({ where: { tenantId: ctx.identity.tenantId } }),
    },
    AutomationRuleConnection,
  ),
);

const AutomationConditionInput = builder.inputType('AutomationConditionInput', {
  fields: (t) => ({
    deviceGroupIds: t.idList(),
    actionTypes: t.field({ type: [RemediationActionTypeEnum] }),
    minSeverity: t.field({ type: SeverityEnum }),
    sha256In: t.stringList(),
  }),
});

type RulePayload = { ruleId: string };

function rulePayload(name: string) {
  return builder.objectRef<RulePayload>(name).implement({
    fields: (t) => ({
      rule: t.prismaField({
        type: 'AutomationRule',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.automationRule.findFirstOrThrow({
            ...query,
            where: { id: payload.ruleId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });
}

const CreateAutomationRuleInput = builder.inputType('CreateAutomationRuleInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    trigger: t.field({ type: AutomationTriggerEnum, required: true }),
    condition: t.field({ type: AutomationConditionInput }),
    step: t.field({ type: AutomationStepEnum, required: true }),
    webhookId: t.id(),
    assignTo: t.string(),
    enabled: t.boolean(),
    idempotencyKey: t.string(),
  }),
});

type CreateInput = Parameters<Services['automationRules']['create']>[1];

builder.mutationField('createAutomationRule', (t) =>
  t.field({
    type: rulePayload('CreateAutomationRulePayload'),
    description:
      "Admin: a rule fired from the action log, acting as `rule:<name>` within the creating admin's groups.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateAutomationRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() => {
        const ids = input.condition?.deviceGroupIds;
        const condition: CreateInput['condition'] = input.condition && {
          ...input.condition,
          deviceGroupIds: ids
            ? databaseIds('condition.deviceGroupIds', 'DeviceGroup', ids.map(String))
            : ids,
        };
        return ctx.services.automationRules.create(actorOf(ctx), {
          ...input,
          condition,
          webhookId: input.webhookId
            ? databaseId('webhookId', 'Webhook', String(input.webhookId))
            : null,
        });
      }),
  }),
);

const UpdateAutomationRuleInput = builder.inputType('UpdateAutomationRuleInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    enabled: t.boolean(),
    name: t.string(),
    idempotencyKey: t.string(),
  }),
});

builder.mutationField('updateAutomationRule', (t) =>
  t.field({
    type: rulePayload('UpdateAutomationRulePayload'),
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateAutomationRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.automationRules.update(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'AutomationRule', String(input.id)),
        }),
      ),
  }),
);

const DeleteAutomationRuleInput = builder.inputType('DeleteAutomationRuleInput', {
  fields: (t) => ({ id: t.id({ required: true }), idempotencyKey: t.string() }),
});

const DeleteAutomationRulePayload = builder
  .objectRef<{ deletedId: string }>('DeleteAutomationRulePayload')
  .implement({
    fields: (t) => ({
      deletedId: t.id({ resolve: (p) => encodeGlobalID('AutomationRule', p.deletedId) }),
    }),
  });

builder.mutationField('deleteAutomationRule', (t) =>
  t.field({
    type: DeleteAutomationRulePayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeleteAutomationRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.automationRules.delete(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'AutomationRule', String(input.id)),
        }),
      ),
  }),
);
