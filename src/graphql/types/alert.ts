import {
  visibleAlerts,
  visibleEvidence,
  visibleIncidents,
  visibleInvestigations,
} from '../../auth/scope.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { AttackDisruptionOutcomeRef } from './attack-disruption.js';
import { SeverityEnum } from './enums.js';
import { EvidenceInput } from './evidence.js';

// The alert: its type and reportAlert, the ingest of an alert with its evidence.

type ReportAlertResult = Awaited<ReturnType<Services['reportAlert']>>;

export const AlertRef = builder.prismaNode('Alert', {
  id: { field: 'id' },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), AND: [visibleAlerts(ctx.identity)] }),
  fields: (t) => ({
    title: t.exposeString('title'),
    severity: t.expose('severity', { type: SeverityEnum }),
    detectedAt: t.expose('detectedAt', { type: 'DateTime' }),
    // An alert is visible only when its device is, and its incident and investigation cover that
    // device, so these references stay in scope.
    device: t.relation('device'),
    incident: t.relation('incident'),
    investigation: t.relation('investigation', { nullable: true }),
    evidence: t.relation('evidence', {
      query: (_args, ctx) => ({
        where: visibleEvidence(ctx.identity),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
  }),
});

export const AlertConnection = builder.connectionObject(
  { type: AlertRef, name: 'AlertConnection' },
  { name: 'AlertEdge' },
);

const ReportAlertInput = builder.inputType('ReportAlertInput', {
  fields: (t) => ({
    deviceId: t.id({ required: true }),
    title: t.string({ required: true }),
    severity: t.field({ type: SeverityEnum, required: true }),
    detectedAt: t.field({ type: 'DateTime' }),
    evidence: t.field({ type: [EvidenceInput], required: true }),
    attackDisruption: t.boolean({
      description:
        'A detection of an attack in progress (ransomware, hands-on-keyboard, BEC): see SPEC §7.3.',
    }),
    idempotencyKey: t.string(),
  }),
});

const ReportAlertPayload = builder.objectRef<ReportAlertResult>('ReportAlertPayload').implement({
  fields: (t) => ({
    alert: t.prismaField({
      type: 'Alert',
      resolve: (query, result, _args, ctx) =>
        ctx.prisma.alert.findFirstOrThrow({
          ...query,
          where: { id: result.alertId, AND: [visibleAlerts(ctx.identity)] },
        }),
    }),
    incident: t.prismaField({
      type: 'Incident',
      resolve: (query, result, _args, ctx) =>
        ctx.prisma.incident.findFirstOrThrow({
          ...query,
          where: { id: result.incidentId, AND: [visibleIncidents(ctx.identity)] },
        }),
    }),
    investigation: t.prismaField({
      type: 'Investigation',
      nullable: true,
      resolve: (query, result, _args, ctx) =>
        result.investigationId
          ? ctx.prisma.investigation.findFirst({
              ...query,
              where: { id: result.investigationId, AND: [visibleInvestigations(ctx.identity)] },
            })
          : null,
    }),
    attackDisruption: t.field({
      type: AttackDisruptionOutcomeRef,
      nullable: true,
      description: 'Null unless the alert was reported with `attackDisruption: true`.',
      resolve: (result) => result.attackDisruption,
    }),
  }),
});

builder.mutationField('reportAlert', (t) =>
  t.field({
    type: ReportAlertPayload,
    description:
      "Ingest: an alert with its evidence on a device. Joins the device's open incident (else opens one) and the investigation running on the device (else starts one), unless the device's group is NO_AUTOMATED_RESPONSE.",
    authScopes: { ingest: true },
    args: { input: t.arg({ type: ReportAlertInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.reportAlert(actorOf(ctx), {
          ...input,
          deviceId: databaseId('deviceId', 'Device', String(input.deviceId)),
        }),
      ),
  }),
);
