import { z } from 'zod';
import { visibleDevices } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import type { Severity } from '../generated/prisma/enums.js';
import { effectiveAutomationLevel, runsAutomatedInvestigation } from '../policy/index.js';
import type { Actor } from './actor.js';
import { decideAndAct, type FindingTarget } from './decision-pass.js';
import { evidenceInputSchema, insertEvidence } from './evidence.js';
import { joinDevices } from './investigation-devices.js';
import { requireRole } from './roles.js';
import { idempotencyKeySchema, idSchema, missing, parseInput, requiredText } from './validation.js';
import { audit, runMutation, type ServiceDeps } from './work.js';

const SEVERITIES = [
  'INFORMATIONAL',
  'LOW',
  'MEDIUM',
  'HIGH',
] as const satisfies readonly Severity[];
const SEVERITY_RANK: Record<Severity, number> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

export const MAX_ALERT_EVIDENCE = 1000;
const EARLIEST_DETECTION = new Date('1970-01-01T00:00:00.000Z');
const LATEST_DETECTION = new Date('9999-12-31T23:59:59.999Z');

const reportAlertSchema = z.object({
  deviceId: idSchema,
  title: requiredText(500),
  severity: z.enum(SEVERITIES),
  // PostgreSQL's timestamp cannot hold every JavaScript date (years before 4713 BC): keep to a sane range.
  detectedAt: z
    .date()
    .min(EARLIEST_DETECTION, 'must be in 1970 or later')
    .max(LATEST_DETECTION, 'must be before the year 10000')
    .nullish(),
  evidence: z
    .array(evidenceInputSchema)
    .max(MAX_ALERT_EVIDENCE, `at most ${MAX_ALERT_EVIDENCE} pieces of evidence per alert`),
  idempotencyKey: idempotencyKeySchema,
});

export type ReportAlertInput = z.input<typeof reportAlertSchema>;

export interface ReportAlertResult {
  alertId: string;
  incidentId: string;
  investigationId: string | null;
  actionIds: string[];
}

/**
 * reportAlert (SPEC §3.1). Correlation rule: an alert joins the newest open (ACTIVE or
 * IN_PROGRESS) incident whose primary device is the alert's device, else opens a new incident
 * with this device as its primary device. It joins the investigation running on the device (not
 * complete, not terminated) or starts one — unless the device's group is NO_AUTOMATED_RESPONSE:
 * then the alert, its evidence and the incident exist and nothing else happens (verdicts given
 * with the evidence are not recorded). Verdicts given with the evidence are findings of the
 * alert's investigation, decided as submitInvestigationFindings decides them. The device row is
 * locked, so concurrent alerts of one device correlate one after the other.
 */
export async function reportAlert(
  deps: ServiceDeps,
  actor: Actor,
  raw: ReportAlertInput,
): Promise<ReportAlertResult> {
  requireRole(actor, 'ingest');
  const input = parseInput(reportAlertSchema, raw);
  const { idempotencyKey, ...request } = input;
  // A replay answers as a new call would for a device no longer in the caller's scope: NOT_FOUND.
  const rescope = async (tx: Transaction, stored: ReportAlertResult) => {
    const visible = await tx.device.findFirst({
      where: { AND: [{ id: input.deviceId }, visibleDevices(actor)] },
      select: { id: true },
    });
    if (!visible) throw missing('Device', 'deviceId');
    return stored;
  };
  return runMutation(
    deps,
    actor,
    { operation: 'reportAlert', idempotencyKey, input: request, rescope },
    async (work) => {
      const { tx, now } = work;
      await tx.$queryRaw`SELECT id FROM devices WHERE id = ${input.deviceId}::uuid AND "tenantId" = ${actor.tenantId} FOR NO KEY UPDATE`;
      const device = await tx.device.findFirst({
        where: { AND: [{ id: input.deviceId }, visibleDevices(actor)] },
        include: { deviceGroup: true, tenant: { select: { plan: true } } },
      });
      if (!device) throw missing('Device', 'deviceId');
      const plan = device.tenant.plan;
      const level = effectiveAutomationLevel(plan, device.deviceGroup.automationLevel);
      const automated = runsAutomatedInvestigation(plan, level);

      let incident = await tx.incident.findFirst({
        where: {
          tenantId: actor.tenantId,
          primaryDeviceId: device.id,
          status: { in: ['ACTIVE', 'IN_PROGRESS'] },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      if (!incident) {
        incident = await tx.incident.create({
          data: {
            tenantId: actor.tenantId,
            primaryDeviceId: device.id,
            title: input.title,
            severity: input.severity,
            createdAt: now,
            updatedAt: now,
            devices: { create: [{ deviceId: device.id }] },
          },
        });
      } else if (SEVERITY_RANK[input.severity] > SEVERITY_RANK[incident.severity]) {
        // An incident is as severe as its most severe alert.
        incident = await tx.incident.update({
          where: { id: incident.id },
          data: { severity: input.severity, updatedAt: now },
        });
      }

      const running = automated
        ? await tx.investigation.findFirst({
            where: {
              tenantId: actor.tenantId,
              findingsComplete: false,
              terminalState: null,
              devices: { some: { deviceId: device.id } },
            },
            orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
          })
        : null;
      let alert = await tx.alert.create({
        data: {
          tenantId: actor.tenantId,
          incidentId: incident.id,
          deviceId: device.id,
          investigationId: running?.id ?? null,
          title: input.title,
          severity: input.severity,
          detectedAt: input.detectedAt ?? now,
          createdAt: now,
        },
      });
      let investigation = running;
      if (automated && !investigation) {
        investigation = await tx.investigation.create({
          data: {
            tenantId: actor.tenantId,
            incidentId: incident.id,
            triggeringAlertId: alert.id,
            startedAt: now,
            devices: { create: [{ deviceId: device.id, joinedAt: now }] },
          },
        });
        alert = await tx.alert.update({
          where: { id: alert.id },
          data: { investigationId: investigation.id },
        });
      }

      const evidenceIds = await insertEvidence(
        work,
        input.evidence.map((evidence) => ({
          deviceId: device.id,
          platform: device.osPlatform,
          alertId: alert.id,
          incidentId: incident.id,
          investigationId: investigation?.id ?? null,
          input: evidence,
          verdict: automated ? (evidence.verdict ?? null) : null,
        })),
      );
      let actionIds: string[] = [];
      if (investigation) {
        const targets: FindingTarget[] = [];
        input.evidence.forEach((evidence, i) => {
          if (!evidence.verdict) return;
          targets.push({
            evidenceId: evidenceIds[i]!,
            deviceId: device.id,
            deviceGroupId: device.deviceGroupId,
            level,
            platform: device.osPlatform,
            kind: evidence.kind,
            path: evidence.path ?? null,
            sha256: evidence.sha256 ?? null,
            verdict: evidence.verdict,
          });
        });
        await joinDevices(work, investigation, [device.id]);
        actionIds = await decideAndAct(work, investigation, plan, targets);
        work.investigationIds.add(investigation.id);
      }
      await tx.device.update({ where: { id: device.id }, data: { lastSeenAt: now } });
      work.incidentIds.add(incident.id);
      audit(work, {
        targetType: 'Alert',
        targetIds: [alert.id],
        deviceGroupIds: [device.deviceGroupId],
        after: {
          deviceId: device.id,
          incidentId: incident.id,
          investigationId: investigation?.id ?? null,
          severity: input.severity,
          evidence: evidenceIds.length,
          automatedInvestigation: automated,
        },
      });
      return {
        alertId: alert.id,
        incidentId: incident.id,
        investigationId: investigation?.id ?? null,
        actionIds,
      };
    },
  );
}
