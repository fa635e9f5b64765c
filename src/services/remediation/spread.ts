import { newestEvidenceOfShas } from '../../db/store/index.js';
import type {
  AutomationLevel,
  EvidenceKind,
  OsPlatform,
  Plan,
  Verdict,
} from '../../generated/prisma/enums.js';
import {
  effectiveAutomationLevel,
  indicatorFor,
  type LiveIndicators,
  runsAutomatedInvestigation,
  spreadsToOtherDevices,
  strongerVerdict,
} from '../../policy/index.js';
import type { SqlWork } from '../kernel/work.js';
import type { FindingTarget, InvestigationRef } from './finding-target.js';

/**
 * The same threat elsewhere (SPEC §3.3): a malicious or suspicious file (or process image) sha256
 * among `targets` reaches the newest evidence of that sha256 on each other device of the tenant
 * that has no action yet — whatever the caller's groups, since it is the investigation's logic —
 * except on devices whose group runs no automated investigation. Each gets the strongest verdict
 * of the batch for its sha256 (a file the tenant allows spreads nowhere). Returns the new targets, to be decided each with its own level;
 * investigations the evidence belonged to before are marked for recomputation. Writes nothing.
 */
export async function findSpreadTargets(
  work: SqlWork,
  batch: {
    investigation: InvestigationRef;
    plan: Plan;
    /** The findings, with the verdicts their evidence takes (indicators applied). */
    targets: readonly FindingTarget[];
    indicators: LiveIndicators;
  },
): Promise<FindingTarget[]> {
  const { investigation, plan, targets, indicators } = batch;
  const verdictBySha = new Map<string, Verdict>();
  const seenOn = new Map<string, Set<string>>();
  for (const target of targets) {
    const indicator = indicatorFor(indicators, target.kind, target.sha256)?.action ?? null;
    if (!target.sha256 || !spreadsToOtherDevices(target.kind, target.verdict, indicator)) continue;
    const sha = target.sha256;
    verdictBySha.set(sha, strongerVerdict(verdictBySha.get(sha), target.verdict));
    seenOn.set(sha, (seenOn.get(sha) ?? new Set()).add(target.deviceId));
  }
  if (verdictBySha.size === 0) return [];
  const inBatch = [...new Set(targets.map((t) => t.evidenceId))];
  const sightings = await newestEvidenceOfShas(
    work.tx,
    work.actor.tenantId,
    [...verdictBySha.keys()],
    inBatch,
  );
  const spread: FindingTarget[] = [];
  for (const row of sightings) {
    if (seenOn.get(row.sha256)?.has(row.deviceId)) continue;
    const level = effectiveAutomationLevel(plan, row.level as AutomationLevel);
    if (!runsAutomatedInvestigation(plan, level)) continue;
    spread.push({
      evidenceId: row.id,
      deviceId: row.deviceId,
      deviceGroupId: row.deviceGroupId,
      level,
      platform: row.platform as OsPlatform,
      kind: row.kind as EvidenceKind,
      path: row.path,
      sha256: row.sha256,
      verdict: verdictBySha.get(row.sha256)!,
    });
    if (row.investigationId && row.investigationId !== investigation.id)
      work.investigationIds.add(row.investigationId);
  }
  return spread.sort((a, b) => (a.evidenceId < b.evidenceId ? -1 : 1));
}
