import {
  visibleActions,
  visibleDevices,
  visibleEvidence,
  visibleInvestigations,
} from '../../auth/scope.js';
import { builder } from '../builder.js';
import { asUuid } from '../ids.js';
import { DeviceRef } from './device.js';
import { InvestigationStateEnum } from './enums.js';
import { EvidenceConnection } from './evidence.js';
import { actionOrder, RemediationActionConnection } from './remediation-action.js';
import { RemediationActionFilter, remediationActionWhere } from './remediation-action-filter.js';

export const InvestigationRef = builder.prismaNode('Investigation', {
  id: { field: 'id' },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleInvestigations(ctx.identity)] }),
  fields: (t) => ({
    state: t.expose('state', { type: InvestigationStateEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    devices: t.field({
      type: [DeviceRef],
      select: (_args, ctx, nestedSelection) => ({
        devices: {
          where: { device: visibleDevices(ctx.identity) },
          orderBy: { joinedAt: 'asc' },
          select: { device: nestedSelection(true) },
        },
      }),
      resolve: (investigation) => investigation.devices.map(({ device }) => device),
    }),
    incident: t.relation('incident'),
    evidence: t.relatedConnection(
      'evidence',
      {
        cursor: 'id',
        totalCount: true,
        query: (_args, ctx) => ({
          where: visibleEvidence(ctx.identity),
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }),
      },
      EvidenceConnection,
    ),
    remediationActions: t.relatedConnection(
      'remediationActions',
      {
        cursor: 'id',
        totalCount: true,
        args: { filter: t.arg({ type: RemediationActionFilter }) },
        query: (args, ctx) => ({
          where: { AND: [visibleActions(ctx.identity), remediationActionWhere(args.filter)] },
          orderBy: actionOrder,
        }),
      },
      RemediationActionConnection,
    ),
  }),
});

builder.queryField('investigations', (t) =>
  t.prismaConnection(
    {
      type: 'Investigation',
      cursor: 'id',
      authScopes: { viewer: true },
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.investigation.findMany({
          ...query,
          where: visibleInvestigations(ctx.identity),
          orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        }),
      totalCount: (_root, _args, ctx) =>
        ctx.prisma.investigation.count({ where: visibleInvestigations(ctx.identity) }),
    },
    InvestigationConnection,
  ),
);

export const InvestigationConnection = builder.connectionObject(
  { type: InvestigationRef, name: 'InvestigationConnection' },
  { name: 'InvestigationEdge' },
);
