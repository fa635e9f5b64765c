import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  visibleActions,
  visibleDevices,
  visibleEvidence,
  visibleInvestigations,
} from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import type { AutomationLevel, Verdict } from '../generated/prisma/enums.js';
import { effectiveAutomationLevel, runsAutomatedInvestigation, VERDICTS } from '../policy/index.js';
import { createActions } from './action-transitions.js';
import type { Actor } from './actor.js';
import { type FindingTarget, planActions } from './decision-pass.js';
import { DomainError } from './errors.js';
import { evidenceInputSchema, insertEvidence, type NewEvidence } from './evidence.js';
import { joinDevices } from './investigation-devices.js';
import { requireRole } from './roles.js';
import { idempotencyKeySchema, idSchema, missing, parseInput } from './validation.js';
import { audit, runMutation, type ServiceDeps, type Work } from './work.js';

const findingSchema = z
  .object({
    evidenceId: idSchema.nullish(),
    evidence: evidenceInputSchema.nullish(),
    deviceId: idSchema.nullish(),
    verdict: z.enum(VERDICTS),
  })
  .superRefine((finding, ctx) => {
    if ((finding.evidenceId == null) === (finding.evidence == null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['evidenceId'],
        message: 'give either evidenceId (existing evidence) or evidence (new evidence)',
      });
    }
    if (finding.evidenceId != null && finding.deviceId != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['deviceId'],
        message: 'deviceId applies to new evidence only',
      });
    }
    if (finding.evidence?.verdict != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['evidence', 'verdict'],
        message: "a finding's verdict is FindingInput.verdict",
      });
    }
  });

export const MAX_FINDINGS = 20_000;

const submitSchema = z.object({
  investigationId: idSchema,
  findings: z
    .array(findingSchema)
    .max(MAX_FINDINGS, `at most ${MAX_FINDINGS} findings per submission`),
  complete: z.boolean().nullish(),
  idempotencyKey: idempotencyKeySchema,
});

export type SubmitFindingsInput = z.input<typeof submitSchema>;

export interface SubmitFindingsResult {
  investigationId: string;
  actionIds: string[];
}

/**
 * submitInvestigationFindings (SPEC §3.2): verdicts on existing or new evidence, decided and acted
 * on in one transaction with their audit and stream events, in bulk — a 10,000-finding submission
 * is a handful of set-based statements, not a round trip per finding.
 */
export async function submitInvestigationFindings(
  deps: ServiceDeps,
  actor: Actor,
  raw: SubmitFindingsInput,
): Promise<SubmitFindingsResult> {
  requireRole(actor, 'ingest');
  const input = parseInput(submitSchema, raw);
  const { idempotencyKey, ...request } = input;
  // A replay answers as a new call would for an investigation no longer in the caller's scope:
  // NOT_FOUND; the actions it created are shown only where the caller may still see them.
  const rescope = async (
    tx: Transaction,
    stored: SubmitFindingsResult,
  ): Promise<SubmitFindingsResult> => {
    const visible = await tx.investigation.findFirst({
      where: { AND: [{ id: stored.investigationId }, visibleInvestigations(actor)] },
      select: { id: true },
    });
    if (!visible) throw missing('Investigation', 'investigationId');
    const actions = stored.actionIds.length
      ? new Set(
          (
            await tx.remediationAction.findMany({
              where: { AND: [{ id: { in: stored.actionIds } }, visibleActions(actor)] },
              select: { id: true },
            })
          ).map((a) => a.id),
        )
      : new Set<string>();
    return { ...stored, actionIds: stored.actionIds.filter((id) => actions.has(id)) };
  };
  return runMutation(
    deps,
    actor,
    {
      operation: 'submitInvestigationFindings',
      idempotencyKey,
      input: request,
      timeoutMs: 300_000,
      rescope,
    },
    async (work) => {
      const { tx } = work;
      await tx.$queryRaw`SELECT id FROM investigations WHERE id = ${input.investigationId}::uuid AND "tenantId" = ${actor.tenantId} FOR NO KEY UPDATE`;
      const investigation = await tx.investigation.findFirst({
        where: { AND: [{ id: input.investigationId }, visibleInvestigations(actor)] },
        include: {
          // The default device of new evidence: the first one the investigation covers that the caller may see.
          devices: {
            where: { device: visibleDevices(actor) },
            orderBy: [{ joinedAt: 'asc' }, { deviceId: 'asc' }],
            select: { deviceId: true },
          },
          tenant: { select: { plan: true } },
        },
      });
      if (!investigation) throw missing('Investigation', 'investigationId');
      if (investigation.terminalState || investigation.findingsComplete) {
        throw new DomainError(
          'CONFLICT',
          `investigationId: the investigation is ${investigation.terminalState ?? 'complete'}; it takes no more findings.`,
          'investigationId',
        );
      }
      const plan = investigation.tenant.plan;

      // Existing evidence, in scope.
      const existingIds = [
        ...new Set(input.findings.flatMap((f) => (f.evidenceId ? [f.evidenceId] : []))),
      ];
      const existing = existingIds.length
        ? await tx.evidence.findMany({
            where: { AND: [{ id: { in: existingIds } }, visibleEvidence(actor)] },
            select: {
              id: true,
              deviceId: true,
              kind: true,
              path: true,
              sha256: true,
              investigationId: true,
              device: {
                select: {
                  osPlatform: true,
                  deviceGroupId: true,
                  deviceGroup: { select: { automationLevel: true } },
                },
              },
            },
          })
        : [];
      const evidenceById = new Map(existing.map((e) => [e.id, e]));

      // Devices of new evidence (default: the investigation's first device), in scope.
      const defaultDeviceId = investigation.devices[0]?.deviceId ?? null;
      const newDeviceIds = [
        ...new Set(
          input.findings.flatMap((f) => (f.evidence ? [f.deviceId ?? defaultDeviceId ?? ''] : [])),
        ),
      ].filter(Boolean);
      const devices = newDeviceIds.length
        ? await tx.device.findMany({
            where: { AND: [{ id: { in: newDeviceIds } }, visibleDevices(actor)] },
            select: {
              id: true,
              osPlatform: true,
              deviceGroupId: true,
              deviceGroup: { select: { automationLevel: true } },
            },
          })
        : [];
      const deviceById = new Map(devices.map((d) => [d.id, d]));

      const targets = new Map<string, FindingTarget>();
      const verdictUpdates = new Map<string, Verdict>();
      const newEvidence: NewEvidence[] = [];
      const newMeta: { verdict: Verdict | null; level: AutomationLevel; groupId: string }[] = [];
      const joining = new Set<string>();
      const verdictCounts: Record<string, number> = {};
      input.findings.forEach((finding, index) => {
        verdictCounts[finding.verdict] = (verdictCounts[finding.verdict] ?? 0) + 1;
        if (finding.evidenceId) {
          const evidence = evidenceById.get(finding.evidenceId);
          if (!evidence) throw missing('Evidence', `findings.${index}.evidenceId`);
          const level = effectiveAutomationLevel(plan, evidence.device.deviceGroup.automationLevel);
          if (!runsAutomatedInvestigation(plan, level)) return; // no automated investigation there: no verdict, no action
          verdictUpdates.set(evidence.id, finding.verdict);
          joining.add(evidence.deviceId);
          targets.set(evidence.id, {
            evidenceId: evidence.id,
            deviceId: evidence.deviceId,
            deviceGroupId: evidence.device.deviceGroupId,
            level,
            platform: evidence.device.osPlatform,
            kind: evidence.kind,
            path: evidence.path,
            sha256: evidence.sha256,
            verdict: finding.verdict,
          });
          return;
        }
        const deviceId = finding.deviceId ?? defaultDeviceId;
        const device = deviceId ? deviceById.get(deviceId) : undefined;
        if (!device) {
          if (finding.deviceId) throw missing('Device', `findings.${index}.deviceId`);
          throw new DomainError(
            'BAD_USER_INPUT',
            `findings.${index}.deviceId: the investigation covers no device of yours; name one.`,
            `findings.${index}.deviceId`,
          );
        }
        const level = effectiveAutomationLevel(plan, device.deviceGroup.automationLevel);
        const automated = runsAutomatedInvestigation(plan, level);
        if (automated) joining.add(device.id);
        newEvidence.push({
          deviceId: device.id,
          platform: device.osPlatform,
          incidentId: investigation.incidentId,
          investigationId: investigation.id,
          input: finding.evidence!,
          verdict: automated ? finding.verdict : null,
        });
        newMeta.push({
          verdict: automated ? finding.verdict : null,
          level,
          groupId: device.deviceGroupId,
        });
      });

      const newIds = newEvidence.map(() => randomUUID());
      newEvidence.forEach((row, i) => {
        const { verdict, level, groupId } = newMeta[i]!;
        if (!verdict) return;
        targets.set(newIds[i]!, {
          evidenceId: newIds[i]!,
          deviceId: row.deviceId,
          deviceGroupId: groupId,
          level,
          platform: row.platform,
          kind: row.input.kind,
          path: row.input.path ?? null,
          sha256: row.input.sha256 ?? null,
          verdict,
        });
      });

      if (verdictUpdates.size > 0) {
        const ids = [...verdictUpdates.keys()].sort();
        for (const id of ids) {
          const previous = evidenceById.get(id)?.investigationId;
          if (previous && previous !== investigation.id) work.investigationIds.add(previous);
        }
        await tx.$executeRaw`
        UPDATE evidence e SET verdict = v.verdict::"Verdict", "investigationId" = COALESCE(e."investigationId", ${investigation.id}::uuid),
                              "incidentId" = COALESCE(e."incidentId", ${investigation.incidentId}::uuid)
        FROM unnest(${ids}::uuid[], ${ids.map((id) => verdictUpdates.get(id)!)}::text[]) AS v(id, verdict)
        WHERE e.id = v.id`;
      }
      await joinDevices(work, investigation, joining);
      const planned = await planActions(work, investigation, plan, [...targets.values()]);
      // New evidence is written once, already showing the action about to be taken on it.
      const plannedStatus = new Map(
        planned.flatMap((action) =>
          action.evidenceId ? [[action.evidenceId, action.status] as const] : [],
        ),
      );
      await insertEvidence(
        work,
        newEvidence.map((row, i) => ({
          ...row,
          id: newIds[i]!,
          actionStatus: plannedStatus.get(newIds[i]!) ?? null,
        })),
      );
      const created = await createActions(work, planned, { evidenceStatusSet: new Set(newIds) });
      const actionIds = created.map((action) => action.id);
      if (input.complete) {
        await tx.investigation.update({
          where: { id: investigation.id },
          data: { findingsComplete: true },
        });
      }
      work.investigationIds.add(investigation.id);
      work.incidentIds.add(investigation.incidentId);
      audit(work, {
        targetType: 'Investigation',
        targetIds: [investigation.id],
        deviceGroupIds: await groupsTouched(work, investigation.id, [
          ...existing.map((evidence) => evidence.device.deviceGroupId),
          ...newMeta.map((meta) => meta.groupId),
          ...planned.map((action) => action.deviceGroupId),
        ]),
        after: {
          findings: input.findings.length,
          verdicts: verdictCounts,
          newEvidence: newIds.length,
          actionsCreated: actionIds.length,
          complete: input.complete ?? false,
        },
      });
      return { investigationId: investigation.id, actionIds };
    },
  );
}

/**
 * The device groups a submission touched, for its audit event: those of its evidence and
 * actions, or — for a submission with no findings (say, only `complete`) — those of every device
 * the investigation covers.
 */
async function groupsTouched(
  work: Work,
  investigationId: string,
  groupIds: readonly string[],
): Promise<string[]> {
  if (groupIds.length > 0) return [...new Set(groupIds)];
  const rows = await work.tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT d."deviceGroupId"::text AS id FROM investigation_devices i JOIN devices d ON d.id = i."deviceId"
    WHERE i."investigationId" = ${investigationId}::uuid`;
  return rows.map((row) => row.id);
}
