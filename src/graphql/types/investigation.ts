import {
  visibleActions,
  visibleDevices,
  visibleEvidence,
  visibleInvestigations,
} from '../../auth/scope.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { DeviceRef } from './device.js';
import { InvestigationStateEnum, VerdictEnum } from './enums.js';
import { EvidenceConnection, EvidenceInput } from './evidence.js';
import {
  RemediationActionConnection,
  RemediationActionFilter,
  scopedActionsQuery,
} from './remediation-action.js';

// The investigation: its type, the list, and the findings ingest submits to it.

type SubmitFindingsResult = Awaited<ReturnType<Services['submitInvestigationFindings']>>;

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
        query: scopedActionsQuery,
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

const FindingInput = builder.inputType('FindingInput', {
  fields: (t) => ({
    evidenceId: t.id({ description: 'Existing evidence; or give `evidence` for new evidence.' }),
    evidence: t.field({ type: EvidenceInput, description: 'New evidence; or give `evidenceId`.' }),
    deviceId: t.id({
      description: "The device of new evidence (default: the investigation's first device).",
    }),
    verdict: t.field({ type: VerdictEnum, required: true }),
  }),
});

const SubmitInvestigationFindingsInput = builder.inputType('SubmitInvestigationFindingsInput', {
  fields: (t) => ({
    investigationId: t.id({ required: true }),
    findings: t.field({ type: [FindingInput], required: true }),
    complete: t.boolean(),
    idempotencyKey: t.string(),
  }),
});

const SubmitInvestigationFindingsPayload = builder
  .objectRef<SubmitFindingsResult>('SubmitInvestigationFindingsPayload')
  .implement({
    fields: (t) => ({
      investigation: t.prismaField({
        type: 'Investigation',
        resolve: (query, result, _args, ctx) =>
          ctx.prisma.investigation.findFirstOrThrow({
            ...query,
            where: { id: result.investigationId, AND: [visibleInvestigations(ctx.identity)] },
          }),
      }),
      remediationActions: t.prismaField({
        type: ['RemediationAction'],
        description:
          'The actions this submission created (taken automatically or pending), the spread to other devices included.',
        resolve: async (query, result, _args, ctx) => {
          const rows = await ctx.prisma.remediationAction.findMany({
            ...query,
            where: { AND: [{ id: { in: result.actionIds } }, visibleActions(ctx.identity)] },
          });
          const order = new Map(result.actionIds.map((id, i) => [id, i]));
          return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
        },
      }),
    }),
  });

builder.mutationField('submitInvestigationFindings', (t) =>
  t.field({
    type: SubmitInvestigationFindingsPayload,
    description:
      "Ingest: verdicts on existing or new evidence. The policy engine decides each with the level of the evidence's device's group now; a malicious or suspicious sha256 spreads to the other devices where it was seen.",
    authScopes: { ingest: true },
    args: { input: t.arg({ type: SubmitInvestigationFindingsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.submitInvestigationFindings(actorOf(ctx), {
          investigationId: databaseId(
            'investigationId',
            'Investigation',
            String(input.investigationId),
          ),
          complete: input.complete,
          idempotencyKey: input.idempotencyKey,
          findings: input.findings.map((finding, i) => ({
            verdict: finding.verdict,
            evidence: finding.evidence,
            evidenceId: finding.evidenceId
              ? databaseId(`findings.${i}.evidenceId`, 'Evidence', String(finding.evidenceId))
              : null,
            deviceId: finding.deviceId
              ? databaseId(`findings.${i}.deviceId`, 'Device', String(finding.deviceId))
              : null,
          })),
        }),
      ),
  }),
);

type TerminateResult = Awaited<ReturnType<Services['terminateInvestigation']>>;

const TerminateInvestigationInput = builder.inputType('TerminateInvestigationInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    comment: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

const TerminateInvestigationPayload = builder
  .objectRef<TerminateResult>('TerminateInvestigationPayload')
  .implement({
    fields: (t) => ({
      investigation: t.prismaField({
        type: 'Investigation',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.investigation.findFirstOrThrow({
            ...query,
            where: { id: payload.investigationId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });

builder.mutationField('terminateInvestigation', (t) =>
  t.field({
    type: TerminateInvestigationPayload,
    authScopes: { responder: true },
    args: { input: t.arg({ type: TerminateInvestigationInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.terminateInvestigation(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'Investigation', input.id),
        }),
      ),
  }),
);
