import { visibleActions } from '../../auth/scope.js';
import type { Prisma } from '../../db/client.js';
import { remediationActionFilterWhere } from '../../db/store/remediation-action-listing.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { bulkActionMutation, bulkPayload } from '../bulk-mutation.js';
import { asUuid, databaseId, databaseIds, type GlobalId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { filterListSchema } from '../validation.js';
import { decisionGroupIdShown, decisionGroupNameShown } from './decision-device-group.js';
import {
  ActionSourceEnum,
  PolicyDecisionEnum,
  RemediationActionStatusEnum,
  RemediationActionTypeEnum,
} from './enums.js';

// The remediation action: its type, the action center's list and filter, and every mutation on
// actions (approve / reject / cancel / undo through one bulk builder, manual response actions).

/** The Pending and History tabs' filter (SPEC §3.7). Ids are the API's global ids. */
export const RemediationActionFilter = builder.inputType('RemediationActionFilter', {
  fields: (t) => ({
    statuses: t.field({ type: [RemediationActionStatusEnum], validate: filterListSchema }),
    types: t.field({ type: [RemediationActionTypeEnum], validate: filterListSchema }),
    sources: t.field({ type: [ActionSourceEnum], validate: filterListSchema }),
    deviceGroupIds: t.globalIDList({ validate: filterListSchema }),
    deviceIds: t.globalIDList({ validate: filterListSchema }),
    incidentIds: t.globalIDList({ validate: filterListSchema }),
    createdAfter: t.field({ type: 'DateTime' }),
    createdBefore: t.field({ type: 'DateTime' }),
  }),
});

type FilterValue = typeof RemediationActionFilter.$inferInput;

/** The raw ids of global ids of one type; an id of another type is refused, naming the field. */
function idsOf(field: string, typename: string, list: readonly GlobalId[] | null | undefined) {
  return list ? databaseIds(`filter.${field}`, typename, list) : null;
}

/** Prisma where for the filter (the store's, shared with the CSV export); scope is the resolver's. */
export function remediationActionWhere(
  filter: FilterValue | null | undefined,
): Prisma.RemediationActionWhereInput {
  if (!filter) return {};
  return remediationActionFilterWhere({
    statuses: filter.statuses,
    types: filter.types,
    sources: filter.sources,
    deviceGroupIds: idsOf('deviceGroupIds', 'DeviceGroup', filter.deviceGroupIds),
    deviceIds: idsOf('deviceIds', 'Device', filter.deviceIds),
    incidentIds: idsOf('incidentIds', 'Incident', filter.incidentIds),
    createdAfter: filter.createdAfter,
    createdBefore: filter.createdBefore,
  });
}

export const RemediationActionRef = builder.prismaNode('RemediationAction', {
  id: { field: 'id' },
  // Select mode: each exposed field adds its own column, so a query reads only what it shows.
  select: { id: true },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleActions(ctx.identity)] }),
  fields: (t) => ({
    type: t.expose('type', { type: RemediationActionTypeEnum }),
    source: t.expose('source', { type: ActionSourceEnum }),
    status: t.expose('status', { type: RemediationActionStatusEnum }),
    // The action is visible only when its device is; its group, evidence (same device),
    // investigation and incident (which cover that device) are therefore visible too.
    device: t.relation('device'),
    deviceGroup: t.relation('deviceGroup'),
    evidence: t.relation('evidence', { nullable: true }),
    investigation: t.relation('investigation', { nullable: true }),
    incident: t.relation('incident', { nullable: true }),
    decision: t.expose('decision', { type: PolicyDecisionEnum, nullable: true }),
    explanation: t.exposeString('explanation', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    requestedBy: t.exposeString('requestedBy', { nullable: true }),
    decidedBy: t.exposeString('decidedBy', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    comment: t.exposeString('comment', { nullable: true }),
    undoable: t.exposeBoolean('undoable'),
    undoneBy: t.exposeString('undoneBy', { nullable: true }),
    undoneAt: t.expose('undoneAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    decisionComment: t.exposeString('decisionComment', { nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    undoFailure: t.exposeString('undoFailure', { nullable: true }),
    sha256: t.exposeString('sha256', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    decisionDeviceGroupId: t.id({
      nullable: true,
      description:
        'The device group the action was decided under (it may since have been deleted); null when the token does not cover it.',
      select: { decisionDeviceGroupId: true, decisionDeviceGroupName: true },
      resolve: (action, _args, ctx) => decisionGroupIdShown(ctx.identity, action),
    }),
    decisionDeviceGroupName: t.string({
      nullable: true,
      description:
        "That group's name when the action was decided; null when the token does not cover it.",
      select: { decisionDeviceGroupName: true, decisionDeviceGroupId: true },
      resolve: (action, _args, ctx) => decisionGroupNameShown(ctx.identity, action),
    }),
  }),
});

/** Newest first, as the action center's tabs show them. */
export const actionOrder = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * The query of an incident's or an investigation's `remediationActions(filter:)`: the caller's
 * scope, the filter, newest first — one rule for both nested lists.
 */
export const scopedActionsQuery = (
  args: { filter?: FilterValue | null },
  ctx: { identity: Parameters<typeof visibleActions>[0] },
) => ({
  where: { AND: [visibleActions(ctx.identity), remediationActionWhere(args.filter)] },
  orderBy: actionOrder,
});

builder.queryField('remediationActions', (t) =>
  t.prismaConnection(
    {
      type: 'RemediationAction',
      cursor: 'id',
      authScopes: { viewer: true },
      args: { filter: t.arg({ type: RemediationActionFilter }) },
      resolve: (query, _root, args, ctx) => {
        const find = {
          ...query,
          where: { AND: [visibleActions(ctx.identity), remediationActionWhere(args.filter)] },
          orderBy: actionOrder,
        };
        // Through Prisma, not the SQL read path: for this flat list its JSON statement cost more
        // than Prisma's rows (peer benchmark, Pending: 32.6 vs 41.2 req/s, PostgreSQL 20 vs 15 ms
        // per request; bench:reads 21.0 vs 17.8 CPU ms), unlike the nested incidents read.
        return ctx.prisma.remediationAction.findMany({ ...find, relationLoadStrategy: 'join' });
      },
      totalCount: (_root, args, ctx) =>
        ctx.prisma.remediationAction.count({
          where: { AND: [visibleActions(ctx.identity), remediationActionWhere(args.filter)] },
        }),
    },
    RemediationActionConnection,
  ),
);

export const RemediationActionConnection = builder.connectionObject(
  { type: RemediationActionRef, name: 'RemediationActionConnection' },
  { name: 'RemediationActionEdge' },
);

const DecideRemediationActionsInput = builder.inputType('DecideRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

const DecideRemediationActionsPayload = bulkPayload('DecideRemediationActionsPayload');

bulkActionMutation('approveRemediationActions', {
  description:
    'Responder: approve pending actions (then carried out). Each id gets its own outcome; a decision happens exactly once (ALREADY_DECIDED names the winner).',
  input: DecideRemediationActionsInput,
  payload: DecideRemediationActionsPayload,
  call: (ctx, actor, ids, input) =>
    ctx.services.approveRemediationActions(actor, { ...decideFields(input), ids }),
});

bulkActionMutation('rejectRemediationActions', {
  description:
    'Responder: reject pending actions. Each id gets its own outcome; a decision happens exactly once (ALREADY_DECIDED names the winner).',
  input: DecideRemediationActionsInput,
  payload: DecideRemediationActionsPayload,
  call: (ctx, actor, ids, input) =>
    ctx.services.rejectRemediationActions(actor, { ...decideFields(input), ids }),
});

/** The optional fields every bulk input shares. */
function decideFields(input: { comment?: string | null; idempotencyKey?: string | null }) {
  return { comment: input.comment, idempotencyKey: input.idempotencyKey };
}

const CancelRemediationActionsInput = builder.inputType('CancelRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

bulkActionMutation('cancelRemediationActions', {
  description:
    'Responder (an addition to the contract): cancel actions not yet final (PENDING_APPROVAL or IN_PROGRESS). A final action is INVALID_TRANSITION.',
  input: CancelRemediationActionsInput,
  payload: bulkPayload('CancelRemediationActionsPayload'),
  call: (ctx, actor, ids, input) =>
    ctx.services.cancelRemediationActions(actor, { ...decideFields(input), ids }),
});

const UndoRemediationActionsInput = builder.inputType('UndoRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    applyToAllInstances: t.boolean(),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

bulkActionMutation('undoRemediationActions', {
  description:
    'Responder: undo completed actions of one type (a mixed batch is refused whole: MIXED_ACTION_TYPES). With applyToAllInstances, a file quarantine is undone on every device you may act on; those are listed after the ids asked for.',
  input: UndoRemediationActionsInput,
  payload: bulkPayload('UndoRemediationActionsPayload'),
  call: (ctx, actor, ids, input) =>
    ctx.services.undoRemediationActions(actor, {
      ...decideFields(input),
      ids,
      applyToAllInstances: input.applyToAllInstances,
    }),
});

const TakeResponseActionInput = builder.inputType('TakeResponseActionInput', {
  fields: (t) => ({
    type: t.field({ type: RemediationActionTypeEnum, required: true }),
    deviceId: t.id({ required: true }),
    sha256: t.string(),
    comment: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

type TakeResponseActionResult = Awaited<ReturnType<Services['takeResponseAction']>>;

const TakeResponseActionPayload = builder
  .objectRef<TakeResponseActionResult>('TakeResponseActionPayload')
  .implement({
    fields: (t) => ({
      action: t.prismaField({
        type: 'RemediationAction',
        resolve: (query, result, _args, ctx) =>
          ctx.prisma.remediationAction.findFirstOrThrow({
            ...query,
            where: { id: result.actionId, AND: [visibleActions(ctx.identity)] },
          }),
      }),
      alreadyRequested: t.exposeBoolean('alreadyRequested', {
        description:
          'True when the same action was already pending or in progress on this target: `action` is that one.',
      }),
    }),
  });

builder.mutationField('takeResponseAction', (t) =>
  t.field({
    type: TakeResponseActionPayload,
    description:
      "Responder: a manual response action on a device of your groups, taken at once, with a required comment, within the plan's limits (PLAN_LIMIT names the plans that include it).",
    authScopes: { responder: true },
    args: { input: t.arg({ type: TakeResponseActionInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.takeResponseAction(actorOf(ctx), {
          ...input,
          deviceId: databaseId('deviceId', 'Device', String(input.deviceId)),
        }),
      ),
  }),
);
