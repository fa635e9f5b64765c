import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { visibleActions, visibleDevices, visibleEvidence, visibleInvestigations } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import type { AutomationLevel, EvidenceKind, OsPlatform, Plan, Verdict } from '../generated/prisma/enums.js';
import { VERDICTS, decideRemediation, effectiveAutomationLevel, isUndoable, runsAutomatedInvestigation, pendingExpiresAt } from '../policy/index.js';
import type { Actor } from './actor.js';
import { createActions, type NewAction } from './action-transitions.js';
import { DomainError } from './errors.js';
import { evidenceInputSchema, insertEvidence, type NewEvidence } from './evidence.js';
import { requireRole } from './roles.js';
import { utc } from './sql.js';
import { idSchema, idempotencyKeySchema, missing, parseInput } from './validation.js';
import { audit, runMutation, type ServiceDeps, type Work } from './work.js';

/** A verdict on one piece of evidence, with what the policy engine needs to decide. */
export interface FindingTarget {
  evidenceId: string;
  deviceId: string;
  deviceGroupId: string;
  /** The device's group's level at decision time, as the plan lets it apply. */
  level: AutomationLevel;
  platform: OsPlatform;
  kind: EvidenceKind;
  path: string | null;
  sha256: string | null;
  verdict: Verdict;
}

const THREAT: ReadonlySet<Verdict> = new Set(['MALICIOUS', 'SUSPICIOUS']);
/** The kinds whose sha256 names a file that can be found elsewhere (a file, a process image). */
const SPREADING_KINDS: ReadonlySet<EvidenceKind> = new Set(['FILE', 'PROCESS']);

/** Links devices to an investigation and to its incident (both can grow). */
export async function joinDevices(work: Work, investigation: { id: string; incidentId: string }, deviceIds: Iterable<string>) {
  const devices = [...new Set(deviceIds)].sort();
  if (devices.length === 0) return;
  await work.tx.$executeRaw`
    INSERT INTO investigation_devices ("investigationId", "deviceId", "joinedAt")
    SELECT ${investigation.id}::uuid, d, ${utc(work.now)}::timestamp FROM unnest(${devices}::uuid[]) AS d
    ON CONFLICT DO NOTHING`;
  await work.tx.$executeRaw`
    INSERT INTO incident_devices ("incidentId", "deviceId")
    SELECT ${investigation.incidentId}::uuid, d FROM unnest(${devices}::uuid[]) AS d
    ON CONFLICT DO NOTHING`;
}

/**
 * The decision pass (SPEC §3.2, §3.3), in memory then set-based: the policy engine decides each
 * verdict with its device's level; a malicious or suspicious file (or process image) sha256
 * spreads the investigation to the tenant's other devices where it was seen, each decided by its
 * own group's level (NO_AUTOMATED_RESPONSE devices untouched); the actions are created in one
 * statement (evidence that already has an action, or a target with an open action, gets none).
 * Targets must not include devices under NO_AUTOMATED_RESPONSE. Returns the created action ids.
 */
export async function decideAndAct(
  work: Work,
  investigation: { id: string; incidentId: string },
  plan: Plan,
  targets: readonly FindingTarget[],
): Promise<string[]> {
  const created = await createActions(work, await planActions(work, investigation, plan, targets));
  return created.map((action) => action.id);
}

/**
 * The decision pass of decideAndAct without the creation: the actions to create (spread
 * included; the spread's evidence updates and device joins are done). Lets a caller that inserts
 * new evidence give it its remediation status at insert time instead of updating it afterwards.
 */
export async function planActions(
  work: Work,
  investigation: { id: string; incidentId: string },
  plan: Plan,
  targets: readonly FindingTarget[],
): Promise<NewAction[]> {
  const actions: NewAction[] = [];
  const expiresAt = pendingExpiresAt(work.now, work.deps.pendingTtlMs);
  const actFor = (target: FindingTarget) => {
    const evaluation = decideRemediation({
      automationLevel: target.level,
      verdict: target.verdict,
      evidence: { kind: target.kind, path: target.path },
      osPlatform: target.platform,
    });
    if (!evaluation.actionType || (evaluation.decision !== 'TAKE_AUTOMATICALLY' && evaluation.decision !== 'REQUIRE_APPROVAL')) return;
    const automatic = evaluation.decision === 'TAKE_AUTOMATICALLY';
    actions.push({
      deviceId: target.deviceId,
      deviceGroupId: target.deviceGroupId,
      type: evaluation.actionType,
      source: 'AUTOMATED_INVESTIGATION',
      status: automatic ? 'IN_PROGRESS' : 'PENDING_APPROVAL',
      evidenceId: target.evidenceId,
      investigationId: investigation.id,
      incidentId: investigation.incidentId,
      sha256: target.sha256,
      decision: evaluation.decision,
      explanation: evaluation.explanation,
      undoable: isUndoable(evaluation.actionType),
      expiresAt: automatic ? null : expiresAt,
      ...(automatic ? { decidedAt: work.now } : {}),
    });
  };
  for (const target of targets) actFor(target);

  // The same threat elsewhere (SPEC §3.3).
  const verdictBySha = new Map<string, Verdict>();
  const seenOn = new Map<string, Set<string>>();
  for (const target of targets) {
    if (!target.sha256 || !THREAT.has(target.verdict) || !SPREADING_KINDS.has(target.kind)) continue;
    if (verdictBySha.get(target.sha256) !== 'MALICIOUS') verdictBySha.set(target.sha256, target.verdict);
    seenOn.set(target.sha256, (seenOn.get(target.sha256) ?? new Set()).add(target.deviceId));
  }
  const spreadDevices = new Set<string>();
  if (verdictBySha.size > 0) {
    const inBatch = [...new Set(targets.map((t) => t.evidenceId))];
    const elsewhere = await work.tx.$queryRaw<
      {
        id: string;
        deviceId: string;
        kind: EvidenceKind;
        path: string | null;
        sha256: string;
        investigationId: string | null;
        platform: OsPlatform;
        deviceGroupId: string;
        level: AutomationLevel;
      }[]
    >`
      SELECT DISTINCT ON (e."deviceId", e.sha256)
             e.id::text, e."deviceId"::text, e.kind::text AS kind, e.path, e.sha256, e."investigationId"::text,
             d."osPlatform"::text AS platform, d."deviceGroupId"::text, g."automationLevel"::text AS level
      FROM evidence e
      JOIN devices d ON d.id = e."deviceId"
      JOIN device_groups g ON g.id = d."deviceGroupId"
      WHERE e."tenantId" = ${work.actor.tenantId} AND e.sha256 = ANY(${[...verdictBySha.keys()]}::text[])
        AND e.id <> ALL(${inBatch}::uuid[])
        AND NOT EXISTS (SELECT 1 FROM remediation_actions a WHERE a."evidenceId" = e.id)
      ORDER BY e."deviceId", e.sha256, e."createdAt" DESC, e.id DESC`;
    const spread: FindingTarget[] = [];
    for (const row of elsewhere) {
      if (seenOn.get(row.sha256)?.has(row.deviceId)) continue;
      const level = effectiveAutomationLevel(plan, row.level);
      if (!runsAutomatedInvestigation(plan, level)) continue;
      spread.push({
        evidenceId: row.id,
        deviceId: row.deviceId,
        deviceGroupId: row.deviceGroupId,
        level,
        platform: row.platform,
        kind: row.kind,
        path: row.path,
        sha256: row.sha256,
        verdict: verdictBySha.get(row.sha256)!,
      });
      if (row.investigationId && row.investigationId !== investigation.id) work.investigationIds.add(row.investigationId);
    }
    if (spread.length > 0) {
      spread.sort((a, b) => (a.evidenceId < b.evidenceId ? -1 : 1));
      // The same file is the same threat there: its evidence takes the verdict and joins this investigation.
      await work.tx.$executeRaw`
        UPDATE evidence e SET verdict = v.verdict::"Verdict", "investigationId" = COALESCE(e."investigationId", ${investigation.id}::uuid),
                              "incidentId" = COALESCE(e."incidentId", ${investigation.incidentId}::uuid)
        FROM unnest(${spread.map((s) => s.evidenceId)}::uuid[], ${spread.map((s) => s.verdict)}::text[]) AS v(id, verdict)
        WHERE e.id = v.id`;
      for (const target of spread) {
        actFor(target);
        spreadDevices.add(target.deviceId);
      }
    }
  }
  await joinDevices(work, investigation, spreadDevices);
  return actions;
}

const findingSchema = z
  .object({
    evidenceId: idSchema.nullish(),
    evidence: evidenceInputSchema.nullish(),
    deviceId: idSchema.nullish(),
    verdict: z.enum(VERDICTS),
  })
  .superRefine((finding, ctx) => {
    if ((finding.evidenceId == null) === (finding.evidence == null)) {
      ctx.addIssue({ code: 'custom', path: ['evidenceId'], message: 'give either evidenceId (existing evidence) or evidence (new evidence)' });
    }
    if (finding.evidenceId != null && finding.deviceId != null) {
      ctx.addIssue({ code: 'custom', path: ['deviceId'], message: 'deviceId applies to new evidence only' });
    }
    if (finding.evidence?.verdict != null) {
      ctx.addIssue({ code: 'custom', path: ['evidence', 'verdict'], message: "a finding's verdict is FindingInput.verdict" });
    }
  });

export const MAX_FINDINGS = 20_000;

const submitSchema = z.object({
  investigationId: idSchema,
  findings: z.array(findingSchema).max(MAX_FINDINGS, `at most ${MAX_FINDINGS} findings per submission`),
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
export async function submitInvestigationFindings(deps: ServiceDeps, actor: Actor, raw: SubmitFindingsInput): Promise<SubmitFindingsResult> {
  requireRole(actor, 'ingest');
  const input = parseInput(submitSchema, raw);
  const { idempotencyKey, ...request } = input;
  // A replay answers as a new call would for an investigation no longer in the caller's scope:
  // NOT_FOUND; the actions it created are shown only where the caller may still see them.
  const rescope = async (tx: Transaction, stored: SubmitFindingsResult): Promise<SubmitFindingsResult> => {
    const visible = await tx.investigation.findFirst({ where: { AND: [{ id: stored.investigationId }, visibleInvestigations(actor)] }, select: { id: true } });
    if (!visible) throw missing('Investigation', 'investigationId');
    const actions = stored.actionIds.length
      ? new Set((await tx.remediationAction.findMany({ where: { AND: [{ id: { in: stored.actionIds } }, visibleActions(actor)] }, select: { id: true } })).map((a) => a.id))
      : new Set<string>();
    return { ...stored, actionIds: stored.actionIds.filter((id) => actions.has(id)) };
  };
  return runMutation(deps, actor, { operation: 'submitInvestigationFindings', idempotencyKey, input: request, timeoutMs: 300_000, rescope }, async (work) => {
    const { tx } = work;
    await tx.$queryRaw`SELECT id FROM investigations WHERE id = ${input.investigationId}::uuid AND "tenantId" = ${actor.tenantId} FOR NO KEY UPDATE`;
    const investigation = await tx.investigation.findFirst({
      where: { AND: [{ id: input.investigationId }, visibleInvestigations(actor)] },
      include: {
        // The default device of new evidence: the first one the investigation covers that the caller may see.
        devices: { where: { device: visibleDevices(actor) }, orderBy: [{ joinedAt: 'asc' }, { deviceId: 'asc' }], select: { deviceId: true } },
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
    const existingIds = [...new Set(input.findings.flatMap((f) => (f.evidenceId ? [f.evidenceId] : [])))];
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
            device: { select: { osPlatform: true, deviceGroupId: true, deviceGroup: { select: { automationLevel: true } } } },
          },
        })
      : [];
    const evidenceById = new Map(existing.map((e) => [e.id, e]));

    // Devices of new evidence (default: the investigation's first device), in scope.
    const defaultDeviceId = investigation.devices[0]?.deviceId ?? null;
    const newDeviceIds = [...new Set(input.findings.flatMap((f) => (f.evidence ? [f.deviceId ?? defaultDeviceId ?? ''] : [])))].filter(Boolean);
    const devices = newDeviceIds.length
      ? await tx.device.findMany({
          where: { AND: [{ id: { in: newDeviceIds } }, visibleDevices(actor)] },
          select: { id: true, osPlatform: true, deviceGroupId: true, deviceGroup: { select: { automationLevel: true } } },
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
        throw new DomainError('BAD_USER_INPUT', `findings.${index}.deviceId: the investigation covers no device of yours; name one.`, `findings.${index}.deviceId`);
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
      newMeta.push({ verdict: automated ? finding.verdict : null, level, groupId: device.deviceGroupId });
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
    const plannedStatus = new Map(planned.flatMap((action) => (action.evidenceId ? [[action.evidenceId, action.status] as const] : [])));
    await insertEvidence(
      work,
      newEvidence.map((row, i) => ({ ...row, id: newIds[i]!, actionStatus: plannedStatus.get(newIds[i]!) ?? null })),
    );
    const created = await createActions(work, planned, { evidenceStatusSet: new Set(newIds) });
    const actionIds = created.map((action) => action.id);
    if (input.complete) {
      await tx.investigation.update({ where: { id: investigation.id }, data: { findingsComplete: true } });
    }
    work.investigationIds.add(investigation.id);
    work.incidentIds.add(investigation.incidentId);
    audit(work, {
      targetType: 'Investigation',
      targetIds: [investigation.id],
      after: { findings: input.findings.length, verdicts: verdictCounts, newEvidence: newIds.length, actionsCreated: actionIds.length, complete: input.complete ?? false },
    });
    return { investigationId: investigation.id, actionIds };
  });
}
