import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { visibleDevices } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import { lockDevice } from '../db/store/index.js';
import type { Severity } from '../generated/prisma/enums.js';
import { effectiveAutomationLevel, runsAutomatedInvestigation } from '../policy/index.js';
import { type AttackDisruptionOutcome, disruptAttack } from './attack-disruption.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
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
import { evidenceInputSchema } from './remediation/evidence-input.js';
import type { FindingTarget, InvestigationRef } from './remediation/finding-target.js';
import { actOnFindings } from './remediation/findings-pipeline.js';
import { insertEvidence } from './remediation/new-evidence.js';

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
  /** SPEC §7.3: an attack in progress; the device may be isolated at once. */
  attackDisruption: z.boolean().nullish(),
  idempotencyKey: idempotencyKeySchema,
});

export type ReportAlertInput = z.input<typeof reportAlertSchema>;
type Alert = z.output<typeof reportAlertSchema>;

export interface ReportAlertResult {
  alertId: string;
  incidentId: string;
  investigationId: string | null;
  actionIds: string[];
  /** Null unless the alert was reported with `attackDisruption: true`. */
  attackDisruption: AttackDisruptionOutcome | null;
}

/**
 * reportAlert (SPEC §3.1). The device row is locked, so concurrent alerts of one device
 * correlate one after the other. Then:
 * 1. the alert joins the device's open incident, or opens one (correlation rule below);
 * 2. unless the device's group is NO_AUTOMATED_RESPONSE, it joins the investigation running on
 *    the device, or starts one;
 * 3. its evidence is recorded; verdicts given with it are findings of that investigation, acted
 *    on by the findings pipeline as submitInvestigationFindings' are (under NO_AUTOMATED_RESPONSE
 *    they are not recorded, and nothing else happens).
 * Correlation: the newest open (ACTIVE or IN_PROGRESS) incident whose primary device is the
 * alert's device; a new one has this device as its primary device.
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
    await findVisibleDevice(tx, actor, input.deviceId);
    return stored;
  };
  return runMutation(
    deps,
    actor,
    { operation: 'reportAlert', idempotencyKey, input: request, rescope },
    async (work) => {
      await lockDevice(work.tx, actor.tenantId, input.deviceId);
      const device = await findVisibleDevice(work.tx, actor, input.deviceId);
      const plan = device.tenant.plan;
      const level = effectiveAutomationLevel(plan, device.deviceGroup.automationLevel);
      const automated = runsAutomatedInvestigation(plan, level);
      const incident = await correlateIncident(work, device.id, input);
      const { alert, investigation } = await joinInvestigation(
        work,
        device.id,
        incident.id,
        input,
        automated,
      );
      const context = { device: { ...device, level }, plan, alert, investigation };
      const { evidenceIds, actionIds } = await recordAlertEvidence(work, context, input.evidence);
      const disruption = input.attackDisruption ? await disruptAttack(work, context) : null;
      await work.tx.device.update({ where: { id: device.id }, data: { lastSeenAt: work.now } });
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
        attackDisruption: disruption,
      };
    },
  );
}

async function findVisibleDevice(tx: Transaction, actor: Actor, deviceId: string) {
  const device = await tx.device.findFirst({
    where: { AND: [{ id: deviceId }, visibleDevices(actor)] },
    include: { deviceGroup: true, tenant: { select: { plan: true, pendingActionTtlHours: true } } },
  });
  if (!device) throw missing('Device', 'deviceId');
  return device;
}

/** The device's newest open incident (as severe as its most severe alert), or a new one. */
async function correlateIncident(work: Work, deviceId: string, alert: Alert) {
  const { tx, now } = work;
  const incident = await tx.incident.findFirst({
    where: {
      tenantId: work.actor.tenantId,
      primaryDeviceId: deviceId,
      status: { in: ['ACTIVE', 'IN_PROGRESS'] },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  if (!incident) {
    return tx.incident.create({
      data: {
        tenantId: work.actor.tenantId,
        primaryDeviceId: deviceId,
        title: alert.title,
        severity: alert.severity,
        createdAt: now,
        updatedAt: now,
        devices: { create: [{ deviceId }] },
      },
    });
  }
  if (SEVERITY_RANK[alert.severity] <= SEVERITY_RANK[incident.severity]) return incident;
  return tx.incident.update({
    where: { id: incident.id },
    data: { severity: alert.severity, updatedAt: now },
  });
}

/**
 * Creates the alert in the investigation running on the device (findings not complete, not
 * terminated), or in a new one it triggers — or in none when `automated` is false.
 */
async function joinInvestigation(
  work: Work,
  deviceId: string,
  incidentId: string,
  input: Alert,
  automated: boolean,
) {
  const { tx, now } = work;
  const running = automated
    ? await tx.investigation.findFirst({
        where: {
          tenantId: work.actor.tenantId,
          findingsComplete: false,
          terminalState: null,
          devices: { some: { deviceId } },
        },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      })
    : null;
  const alert = await tx.alert.create({
    data: {
      tenantId: work.actor.tenantId,
      incidentId,
      deviceId,
      investigationId: running?.id ?? null,
      title: input.title,
      severity: input.severity,
      detectedAt: input.detectedAt ?? now,
      createdAt: now,
    },
  });
  if (!automated || running) return { alert, investigation: running };
  const investigation = await tx.investigation.create({
    data: {
      tenantId: work.actor.tenantId,
      incidentId,
      triggeringAlertId: alert.id,
      startedAt: now,
      lastFindingsAt: now,
      devices: { create: [{ deviceId, joinedAt: now }] },
    },
  });
  const joined = await tx.alert.update({
    where: { id: alert.id },
    data: { investigationId: investigation.id },
  });
  return { alert: joined, investigation };
}

interface AlertContext {
  device: {
    id: string;
    deviceGroupId: string;
    osPlatform: FindingTarget['platform'];
    level: FindingTarget['level'];
    /** The tenant's pending-action TTL (hours; null: the deployment's default). */
    tenant: { pendingActionTtlHours: number | null };
  };
  plan: Parameters<typeof actOnFindings>[1]['plan'];
  alert: { id: string; incidentId: string };
  investigation: InvestigationRef | null;
}

/** The alert's evidence; in an investigation, its verdicts go through the findings pipeline. */
async function recordAlertEvidence(
  work: Work,
  { device, plan, alert, investigation }: AlertContext,
  evidence: Alert['evidence'],
): Promise<{ evidenceIds: string[]; actionIds: string[] }> {
  const investigationId = investigation?.id ?? null;
  const rows = evidence.map((input) => ({
    id: randomUUID(),
    deviceId: device.id,
    platform: device.osPlatform,
    alertId: alert.id,
    incidentId: alert.incidentId,
    investigationId,
    input,
    verdict: investigationId ? (input.verdict ?? null) : null,
  }));
  const evidenceIds = rows.map((row) => row.id);
  if (!investigation) {
    await insertEvidence(work, rows);
    return { evidenceIds, actionIds: [] };
  }
  const newTargets = rows.flatMap((row): FindingTarget[] =>
    row.verdict
      ? [
          {
            evidenceId: row.id,
            deviceId: device.id,
            deviceGroupId: device.deviceGroupId,
            level: device.level,
            platform: device.osPlatform,
            kind: row.input.kind,
            path: row.input.path ?? null,
            sha256: row.input.sha256 ?? null,
            verdict: row.verdict,
          },
        ]
      : [],
  );
  const { created } = await actOnFindings(work, {
    investigation: { id: investigation.id, incidentId: investigation.incidentId },
    plan,
    pendingActionTtlHours: device.tenant.pendingActionTtlHours,
    verdicts: [],
    newEvidence: rows,
    newTargets,
    joiningDeviceIds: [device.id],
  });
  work.investigationIds.add(investigation.id);
  return { evidenceIds, actionIds: created.map((action) => action.id) };
}
