import { visibleAlerts, visibleIncidents, visibleInvestigations } from '../../auth/scope.js';
import type { ReportAlertResult } from '../../services/alerts.js';
import { builder } from '../builder.js';
import { globalIdOf } from '../ids.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { SeverityEnum } from './enums.js';
import { EvidenceInput } from './evidence-input.js';
import './alert.js';
import './incident.js';
import './investigation.js';

const ReportAlertInput = builder.inputType('ReportAlertInput', {
  fields: (t) => ({
    deviceId: t.id({ required: true }),
    title: t.string({ required: true }),
    severity: t.field({ type: SeverityEnum, required: true }),
    detectedAt: t.field({ type: 'DateTime' }),
    evidence: t.field({ type: [EvidenceInput], required: true }),
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
          deviceId: globalIdOf('deviceId', 'Device', input.deviceId),
        }),
      ),
  }),
);
