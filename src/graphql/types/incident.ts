import {
  visibleAlerts,
  visibleDevices,
  visibleEvidence,
  visibleIncidents,
  visibleInvestigations,
} from '../../auth/scope.js';
import type { Prisma } from '../../db/client.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { readList } from '../sql-reads.js';
import { AlertConnection } from './alert.js';
import { DeviceRef } from './device.js';
import {
  IncidentClassificationEnum,
  IncidentRemediationStatusEnum,
  IncidentStatusEnum,
  InvestigationStateEnum,
  SeverityEnum,
} from './enums.js';
import { EvidenceConnection } from './evidence.js';
import { InvestigationConnection } from './investigation.js';
import {
  RemediationActionConnection,
  RemediationActionFilter,
  scopedActionsQuery,
} from './remediation-action.js';

export const oldestFirst = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

export const IncidentRef = builder.prismaNode('Incident', {
  id: { field: 'id' },
  // Select mode: each exposed field adds its own column, so a query reads only what it shows.
  select: { id: true },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleIncidents(ctx.identity)] }),
  fields: (t) => ({
    title: t.exposeString('title'),
    severity: t.expose('severity', { type: SeverityEnum }),
    status: t.expose('status', { type: IncidentStatusEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    remediationStatus: t.expose('remediationStatus', { type: IncidentRemediationStatusEnum }),
    automatedInvestigationState: t.expose('automatedInvestigationState', {
      type: InvestigationStateEnum,
      nullable: true,
    }),
    // An incident can span groups; each nested list shows only what the caller may see.
    devices: t.field({
      type: [DeviceRef],
      select: (_args, ctx, nestedSelection) => ({
        devices: {
          where: { device: visibleDevices(ctx.identity) },
          select: { device: nestedSelection(true) },
        },
      }),
      resolve: (incident) => incident.devices.map(({ device }) => device),
    }),
  }),
});

// The incident's nested lists: connections paged in SQL, each scoped to what the caller may see.
builder.prismaObjectFields(IncidentRef, (t) => ({
  alerts: t.relatedConnection(
    'alerts',
    {
      cursor: 'id',
      totalCount: true,
      query: (_args, ctx) => ({ where: visibleAlerts(ctx.identity), orderBy: oldestFirst }),
    },
    AlertConnection,
  ),
  evidence: t.relatedConnection(
    'evidence',
    {
      cursor: 'id',
      totalCount: true,
      query: (_args, ctx) => ({ where: visibleEvidence(ctx.identity), orderBy: oldestFirst }),
    },
    EvidenceConnection,
  ),
  investigations: t.relatedConnection(
    'investigations',
    {
      cursor: 'id',
      totalCount: true,
      query: (_args, ctx) => ({
        where: visibleInvestigations(ctx.identity),
        orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      }),
    },
    InvestigationConnection,
  ),
  remediationActions: t.relatedConnection(
    'remediationActions',
    {
      cursor: 'id',
      totalCount: true,
      args: { filter: t.arg({ type: RemediationActionFilter }) },
      query: scopedActionsQuery,
    },
    RemediationActionConnection,
  ),
}));

export const IncidentFilter = builder.inputType('IncidentFilter', {
  fields: (t) => ({
    statuses: t.field({ type: [IncidentStatusEnum] }),
    severities: t.field({ type: [SeverityEnum] }),
    remediationStatuses: t.field({ type: [IncidentRemediationStatusEnum] }),
    classifications: t.field({ type: [IncidentClassificationEnum] }),
    assignedTo: t.string({ description: 'Incidents assigned to exactly this person.' }),
    tags: t.stringList({ description: 'Incidents carrying any of these tags.' }),
  }),
});

export function incidentWhere(
  filter: typeof IncidentFilter.$inferInput | null | undefined,
): Prisma.IncidentWhereInput {
  return {
    ...(filter?.statuses ? { status: { in: filter.statuses } } : {}),
    ...(filter?.severities ? { severity: { in: filter.severities } } : {}),
    ...(filter?.remediationStatuses
      ? { remediationStatus: { in: filter.remediationStatuses } }
      : {}),
    ...(filter?.classifications ? { classification: { in: filter.classifications } } : {}),
    ...(filter?.assignedTo != null ? { assignedTo: filter.assignedTo } : {}),
    ...(filter?.tags ? { tags: { hasSome: filter.tags } } : {}),
  };
}

builder.queryField('incidents', (t) =>
  t.prismaConnection(
    {
      type: 'Incident',
      cursor: 'id',
      authScopes: { viewer: true },
      args: { filter: t.arg({ type: IncidentFilter }) },
      resolve: (query, _root, args, ctx) => {
        const find = {
          ...query,
          where: { AND: [visibleIncidents(ctx.identity), incidentWhere(args.filter)] },
          orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }],
        };
        // One statement that builds the JSON in PostgreSQL; else Prisma's LATERAL join.
        return readList(ctx, 'Incident', find, () =>
          ctx.prisma.incident.findMany({ ...find, relationLoadStrategy: 'join' }),
        );
      },
      totalCount: (_root, args, ctx) =>
        ctx.prisma.incident.count({
          where: { AND: [visibleIncidents(ctx.identity), incidentWhere(args.filter)] },
        }),
    },
    IncidentConnection,
  ),
);

export const IncidentConnection = builder.connectionObject(
  { type: IncidentRef, name: 'IncidentConnection' },
  { name: 'IncidentEdge' },
);

type IncidentResult = Awaited<ReturnType<Services['updateIncident']>>;

const UpdateIncidentInput = builder.inputType('UpdateIncidentInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    status: t.field({ type: IncidentStatusEnum }),
    classification: t.field({ type: IncidentClassificationEnum }),
    determination: t.string({ description: 'null clears it.' }),
    assignedTo: t.string({ description: 'null clears it.' }),
    tags: t.stringList({ description: 'Replaces the tags.' }),
    idempotencyKey: t.string(),
  }),
});

const UpdateIncidentPayload = builder.objectRef<IncidentResult>('UpdateIncidentPayload').implement({
  fields: (t) => ({
    incident: t.prismaField({
      type: 'Incident',
      resolve: (query, payload, _args, ctx) =>
        ctx.prisma.incident.findFirstOrThrow({
          ...query,
          where: { id: payload.incidentId, tenantId: ctx.identity.tenantId },
        }),
    }),
  }),
});

builder.mutationField('updateIncident', (t) =>
  t.field({
    type: UpdateIncidentPayload,
    authScopes: { responder: true },
    args: { input: t.arg({ type: UpdateIncidentInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.updateIncident(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'Incident', input.id),
        }),
      ),
  }),
);
