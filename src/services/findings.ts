import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { visibleActionTerms } from '../auth/scope.js';
import type { RawSql } from '../db/raw-sql.js';
import {
  actionIdsInScope,
  type FindingsDeviceRow,
  investigationDeviceGroups,
  investigationInScope,
  knownEvidenceInScope,
  lockInvestigationForFindings,
  markFindingsComplete,
  readInvestigationForFindings,
} from '../db/store/index.js';
import type { Plan } from '../generated/prisma/enums.js';
import { effectiveAutomationLevel, runsAutomatedInvestigation, VERDICTS } from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { DomainError } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runSqlMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, idSchema, missing, parseInput } from './kernel/validation.js';
import type { ServiceDeps, SqlWork } from './kernel/work.js';
import { evidenceInputSchema } from './remediation/evidence-input.js';
import type { FindingTarget, InvestigationRef } from './remediation/finding-target.js';
import { actOnFindings, type Findings } from './remediation/findings-pipeline.js';
import type { NewEvidence } from './remediation/new-evidence.js';

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

type Submission = z.output<typeof submitSchema>;
type Finding = Submission['findings'][number];

/**
 * submitInvestigationFindings (SPEC §3.2): verdicts on existing or new evidence, decided and acted
 * on in one transaction with their audit and stream events, in bulk — a 10,000-finding submission
 * is a handful of set-based statements, not a round trip per finding. Steps:
 * 1. lock the investigation (in scope; not complete, not terminated: else CONFLICT);
 * 2. read the existing evidence and the devices of new evidence (in scope: else NOT_FOUND);
 * 3. sort the findings (devices under NO_AUTOMATED_RESPONSE record no verdict);
 * 4. the findings pipeline: verdicts, spread, policy decisions, new evidence, actions;
 * 5. `complete` closes the findings; one audit event for the submission.
 */
export async function submitInvestigationFindings(
  deps: ServiceDeps,
  actor: Actor,
  raw: SubmitFindingsInput,
): Promise<SubmitFindingsResult> {
  requireRole(actor, 'ingest');
  const input = parseInput(submitSchema, raw);
  const { idempotencyKey, ...request } = input;
  const rescope = (tx: RawSql, stored: SubmitFindingsResult) =>
    rescopeSubmission(tx, actor, stored);
  // Every step is raw SQL: the transaction goes through pg itself (runSqlMutation).
  return runSqlMutation(
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
      const investigation = await openInvestigation(work, input.investigationId, input.findings);
      const plan = investigation.tenant.plan;
      const defaultDeviceId = investigation.devices[0]?.deviceId ?? null;
      const known = await readKnownEvidence(work, input.findings);
      const devices = new Map(investigation.evidenceDevices.map((d) => [d.id, d]));
      const { pendingActionTtlHours } = investigation.tenant;
      const context = { investigation, plan, defaultDeviceId, pendingActionTtlHours };
      const sorted = sortFindings(input.findings, context, { known, devices });
      for (const { evidenceId } of sorted.findings.verdicts) {
        // Evidence of another investigation joins this one's verdict: that one is recomputed too.
        const previous = known.get(evidenceId)?.investigationId;
        if (previous && previous !== investigation.id) work.investigationIds.add(previous);
      }
      const { planned, created } = await actOnFindings(work, sorted.findings);
      // (lastFindingsAt was set when the investigation was locked.)
      if (input.complete) await markFindingsComplete(work.tx, investigation.id);
      work.investigationIds.add(investigation.id);
      work.incidentIds.add(investigation.incidentId);
      const actionIds = created.map((action) => action.id);
      const groupIds = [...sorted.groupIds, ...planned.map((action) => action.deviceGroupId)];
      audit(work, {
        targetType: 'Investigation',
        targetIds: [investigation.id],
        deviceGroupIds: await groupsTouched(work, investigation.id, groupIds),
        after: {
          findings: input.findings.length,
          verdicts: countVerdicts(input.findings),
          newEvidence: sorted.findings.newEvidence.length,
          actionsCreated: actionIds.length,
          complete: input.complete ?? false,
        },
      });
      return { investigationId: investigation.id, actionIds };
    },
  );
}

/**
 * A replay answers as a new call would for an investigation no longer in the caller's scope:
 * NOT_FOUND; the actions it created are shown only where the caller may still see them.
 */
async function rescopeSubmission(
  tx: RawSql,
  actor: Actor,
  stored: SubmitFindingsResult,
): Promise<SubmitFindingsResult> {
  const terms = visibleActionTerms(actor);
  if (!(await investigationInScope(tx, actor.tenantId, stored.investigationId, terms)))
    throw missing('Investigation', 'investigationId');
  if (stored.actionIds.length === 0) return stored;
  const shown = await actionIdsInScope(tx, actor.tenantId, stored.actionIds, terms);
  return { ...stored, actionIds: stored.actionIds.filter((id) => shown.has(id)) };
}

/**
 * The investigation, locked, if the caller may see it and it still takes findings; with the
 * devices of new evidence (default: the first device it covers that the caller may see), in scope.
 */
async function openInvestigation(
  work: SqlWork,
  investigationId: string,
  findings: readonly Finding[],
) {
  const { tx, actor } = work;
  // lastFindingsAt: the system timeout (SPEC §7.1) counts from the last submission.
  await lockInvestigationForFindings(tx, actor.tenantId, investigationId, work.now);
  const newEvidence = findings.filter((f) => f.evidence);
  const investigation = await readInvestigationForFindings(
    tx,
    actor.tenantId,
    investigationId,
    visibleActionTerms(actor),
    {
      deviceIds: [...new Set(newEvidence.flatMap((f) => (f.deviceId ? [f.deviceId] : [])))],
      withDefaultDevice: newEvidence.some((f) => !f.deviceId),
    },
  );
  if (!investigation || investigation.devices.length === 0)
    throw missing('Investigation', 'investigationId');
  if (investigation.terminalState || investigation.findingsComplete) {
    throw new DomainError(
      'CONFLICT',
      `investigationId: the investigation is ${investigation.terminalState ?? 'complete'}; it takes no more findings.`,
      'investigationId',
    );
  }
  return investigation;
}

/** The existing evidence the findings name, in the caller's scope, by id. */
async function readKnownEvidence(work: SqlWork, findings: readonly Finding[]) {
  const ids = [...new Set(findings.flatMap((f) => (f.evidenceId ? [f.evidenceId] : [])))];
  const terms = visibleActionTerms(work.actor);
  const rows = await knownEvidenceInScope(work.tx, work.actor.tenantId, ids, terms);
  return new Map(rows.map((e) => [e.id, e]));
}

type KnownEvidence = Awaited<ReturnType<typeof readKnownEvidence>>;
type NewEvidenceDevices = ReadonlyMap<string, FindingsDeviceRow>;

interface SortContext {
  investigation: InvestigationRef;
  plan: Plan;
  defaultDeviceId: string | null;
  pendingActionTtlHours: number | null;
}

/**
 * The findings as the pipeline takes them: verdicts on existing evidence (the last verdict of an
 * evidence named twice wins), new evidence with its target, the devices that join — none of them
 * from devices whose group runs no automated investigation (no verdict, no action there). Also the
 * device groups of every finding, for the audit event.
 */
function sortFindings(
  findings: readonly Finding[],
  context: SortContext,
  read: { known: KnownEvidence; devices: NewEvidenceDevices },
): { findings: Findings; groupIds: string[] } {
  const verdicts = new Map<string, FindingTarget>();
  const newEvidence: (NewEvidence & { id: string })[] = [];
  const newTargets: FindingTarget[] = [];
  const groupIds = [...read.known.values()].map((e) => e.device.deviceGroupId);
  findings.forEach((finding, index) => {
    if (finding.evidenceId) {
      const target = knownEvidenceTarget(finding, index, context.plan, read.known);
      if (target) verdicts.set(target.evidenceId, target);
      return;
    }
    const device = newEvidenceDevice(finding, index, context.defaultDeviceId, read.devices);
    const { row, target } = newEvidenceFinding(finding, device, context);
    newEvidence.push(row);
    groupIds.push(device.deviceGroupId);
    if (target) newTargets.push(target);
  });
  const recorded = [...verdicts.values()];
  const joiningDeviceIds = new Set([...recorded, ...newTargets].map((t) => t.deviceId));
  return {
    findings: {
      investigation: context.investigation,
      plan: context.plan,
      pendingActionTtlHours: context.pendingActionTtlHours,
      verdicts: recorded,
      newEvidence,
      newTargets,
      joiningDeviceIds,
    },
    groupIds,
  };
}

/** A verdict on existing evidence, or null when its device runs no automated investigation. */
function knownEvidenceTarget(
  finding: Finding,
  index: number,
  plan: Plan,
  known: KnownEvidence,
): FindingTarget | null {
  const evidence = known.get(finding.evidenceId!);
  if (!evidence) throw missing('Evidence', `findings.${index}.evidenceId`);
  const level = effectiveAutomationLevel(plan, evidence.device.deviceGroup.automationLevel);
  if (!runsAutomatedInvestigation(plan, level)) return null;
  return {
    evidenceId: evidence.id,
    deviceId: evidence.deviceId,
    deviceGroupId: evidence.device.deviceGroupId,
    level,
    platform: evidence.device.osPlatform,
    kind: evidence.kind,
    path: evidence.path,
    sha256: evidence.sha256,
    verdict: finding.verdict,
  };
}

/** New evidence of a finding, and its verdict's target unless its device runs no investigation. */
function newEvidenceFinding(
  finding: Finding,
  device: NonNullable<ReturnType<NewEvidenceDevices['get']>>,
  { investigation, plan }: SortContext,
): { row: NewEvidence & { id: string }; target: FindingTarget | null } {
  const level = effectiveAutomationLevel(plan, device.deviceGroup.automationLevel);
  const automated = runsAutomatedInvestigation(plan, level);
  const input = finding.evidence!;
  const row = {
    id: randomUUID(),
    deviceId: device.id,
    platform: device.osPlatform,
    incidentId: investigation.incidentId,
    investigationId: investigation.id,
    input,
    verdict: automated ? finding.verdict : null,
  };
  if (!automated) return { row, target: null };
  const target: FindingTarget = {
    evidenceId: row.id,
    deviceId: device.id,
    deviceGroupId: device.deviceGroupId,
    level,
    platform: device.osPlatform,
    kind: input.kind,
    path: input.path ?? null,
    sha256: input.sha256 ?? null,
    verdict: finding.verdict,
  };
  return { row, target };
}

function newEvidenceDevice(
  finding: Finding,
  index: number,
  defaultDeviceId: string | null,
  devices: NewEvidenceDevices,
) {
  const deviceId = finding.deviceId ?? defaultDeviceId;
  const device = deviceId ? devices.get(deviceId) : undefined;
  if (device) return device;
  if (finding.deviceId) throw missing('Device', `findings.${index}.deviceId`);
  throw new DomainError(
    'BAD_USER_INPUT',
    `findings.${index}.deviceId: the investigation covers no device of yours; name one.`,
    `findings.${index}.deviceId`,
  );
}

function countVerdicts(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.verdict] = (counts[finding.verdict] ?? 0) + 1;
  return counts;
}

/**
 * The device groups a submission touched, for its audit event: those of its evidence and
 * actions, or — for a submission with no findings (say, only `complete`) — those of every device
 * the investigation covers.
 */
async function groupsTouched(
  work: SqlWork,
  investigationId: string,
  groupIds: readonly string[],
): Promise<string[]> {
  if (groupIds.length > 0) return [...new Set(groupIds)];
  return investigationDeviceGroups(work.tx, investigationId);
}
