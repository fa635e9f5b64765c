import { visibleActions } from '../../auth/scope.js';
import { builder } from '../builder.js';
import { asUuid } from '../ids.js';
import {
  ActionSourceEnum,
  PolicyDecisionEnum,
  RemediationActionStatusEnum,
  RemediationActionTypeEnum,
} from './enums.js';
import { RemediationActionFilter, remediationActionWhere } from './remediation-action-filter.js';

export const RemediationActionRef = builder.prismaNode('RemediationAction', {
  id: { field: 'id' },
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
  }),
});

/** Newest first, as the action center's tabs show them. */
export const actionOrder = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

builder.queryField('remediationActions', (t) =>
  t.prismaConnection(
    {
      type: 'RemediationAction',
      cursor: 'id',
      authScopes: { viewer: true },
      args: { filter: t.arg({ type: RemediationActionFilter }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.remediationAction.findMany({
          ...query,
          where: { AND: [visibleActions(ctx.identity), remediationActionWhere(args.filter)] },
          orderBy: actionOrder,
        }),
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
