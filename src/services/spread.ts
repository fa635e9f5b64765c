import type {
  AutomationLevel,
  EvidenceKind,
  OsPlatform,
  Plan,
  Verdict,
} from '../generated/prisma/enums.js';
import {
  effectiveAutomationLevel,
  runsAutomatedInvestigation,
  spreadsToOtherDevices,
  strongerVerdict,
} from '../policy/index.js';
import type { FindingTarget } from './decision-pass.js';
import { joinDevices } from './investigation-devices.js';
import type { Work } from './work.js';

/**
 * The same threat elsewhere (SPEC §3.3): a malicious or suspicious file (or process image) sha256
 * among `targets` reaches the newest evidence of that sha256 on each other device of the tenant
 * that has no action yet — whatever the caller's groups, since it is the investigation's logic —
 * except on devices whose group runs no automated investigation. That evidence takes the verdict
 * (the strongest of the batch) and joins the investigation if it had none; its device joins the
 * investigation and its incident. Returns the new targets, to be decided each with its own level.
 */
export async function spreadThreat(
  work: Work,
  investigation: { id: string; incidentId: string },
  plan: Plan,
  targets: readonly FindingTarget[],
): Promise<FindingTarget[]> {
  const verdictBySha = new Map<string, Verdict>();
  const seenOn = new Map<string, Set<string>>();
  for (const target of targets) {
    if (!target.sha256 || !spreadsToOtherDevices(target.kind, target.verdict)) continue;
    verdictBySha.set(
      target.sha256,
      strongerVerdict(verdictBySha.get(target.sha256), target.verdict),
    );
    seenOn.set(target.sha256, (seenOn.get(target.sha256) ?? new Set()).add(target.deviceId));
  }
  if (verdictBySha.size === 0) return [];
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
    if (row.investigationId && row.investigationId !== investigation.id)
      work.investigationIds.add(row.investigationId);
  }
  if (spread.length > 0) {
    spread.sort((a, b) => (a.evidenceId < b.evidenceId ? -1 : 1));
    // The same file is the same threat there: its evidence takes the verdict and joins this investigation.
    await work.tx.$executeRaw`
      UPDATE evidence e SET verdict = v.verdict::"Verdict", "investigationId" = COALESCE(e."investigationId", ${investigation.id}::uuid),
                            "incidentId" = COALESCE(e."incidentId", ${investigation.incidentId}::uuid)
      FROM unnest(${spread.map((s) => s.evidenceId)}::uuid[], ${spread.map((s) => s.verdict)}::text[]) AS v(id, verdict)
      WHERE e.id = v.id`;
    await joinDevices(
      work,
      investigation,
      spread.map((target) => target.deviceId),
    );
  }
  return spread;
}
