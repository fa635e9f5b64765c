import { joinInvestigationDevices, recordEvidenceVerdicts } from '../../db/store/index.js';
import type { Plan } from '../../generated/prisma/enums.js';
import type { SqlWork } from '../kernel/work.js';
import { type CreatedAction, createActions, type NewAction } from './create-actions.js';
import { decideFindings } from './decide-findings.js';
import type { FindingTarget, InvestigationRef } from './finding-target.js';
import { loadLiveIndicators, withIndicatedVerdict } from './live-indicators.js';
import { insertEvidence, type NewEvidence } from './new-evidence.js';
import { findSpreadTargets } from './spread.js';

/** What an investigation learnt in one call: verdicts on known evidence, and new evidence. */
export interface Findings {
  investigation: InvestigationRef;
  plan: Plan;
  /** The tenant's pending-action TTL in hours; null: the deployment's default. */
  pendingActionTtlHours: number | null;
  /** Verdicts on evidence that already exists (recorded, then decided). */
  verdicts: readonly FindingTarget[];
  /** New evidence, with an id; those with a verdict have their target in `newTargets`. */
  newEvidence: readonly (NewEvidence & { id: string })[];
  newTargets: readonly FindingTarget[];
  /** Devices that join the investigation (those of the findings, automated groups only). */
  joiningDeviceIds: Iterable<string>;
}

export interface FindingsOutcome {
  /** Every action the policy decided on, spread included (some may not be created: duplicates). */
  planned: NewAction[];
  created: CreatedAction[];
}

/**
 * THE findings pipeline (SPEC §3.2, §3.3, §7.1), shared by reportAlert and submitInvestigationFindings:
 * 0. the tenant's live indicators on the batch's sha256s are read once; the evidence takes the
 *    verdict they imply (a BLOCK makes it MALICIOUS), the policy reads them in every decision;
 * 1. the verdicts on existing evidence are recorded (the evidence joins the investigation);
 * 2. the findings' devices join the investigation and its incident;
 * 3. the same threat elsewhere: other devices' evidence of a malicious or suspicious sha256 takes
 *    the verdict and joins too (NO_AUTOMATED_RESPONSE devices untouched);
 * 4. the policy decides each verdict with its own device's group's level;
 * 5. new evidence is written once, already showing the action about to be taken on it;
 * 6. the actions are created in one statement (evidence that already has an action, or a target
 *    with an open action, gets none).
 * Targets must not include devices under NO_AUTOMATED_RESPONSE.
 */
export async function actOnFindings(work: SqlWork, findings: Findings): Promise<FindingsOutcome> {
  const { investigation } = findings;
  const targets = [...findings.verdicts, ...findings.newTargets];
  const indicators = await loadLiveIndicators(work, targets);
  const indicated = (target: FindingTarget) => withIndicatedVerdict(target, indicators);
  await recordVerdicts(work, investigation, findings.verdicts.map(indicated));
  await joinInvestigationDevices(work.tx, investigation, findings.joiningDeviceIds, work.now);
  const spread = await findSpreadTargets(work, {
    investigation,
    plan: findings.plan,
    targets: targets.map(indicated),
    indicators,
  });
  await recordVerdicts(work, investigation, spread);
  await joinInvestigationDevices(
    work.tx,
    investigation,
    spread.map((target) => target.deviceId),
    work.now,
  );
  // The policy reads the reported verdicts with the indicators, so its reason says what was reported.
  const planned = decideFindings(
    work,
    investigation,
    [...targets, ...spread],
    indicators,
    findings.pendingActionTtlHours,
  );
  const newVerdicts = new Map(findings.newTargets.map((t) => [t.evidenceId, indicated(t).verdict]));
  const plannedStatus = new Map(
    planned.flatMap((action) => (action.evidenceId ? [[action.evidenceId, action.status]] : [])),
  );
  await insertEvidence(
    work,
    findings.newEvidence.map((row) => ({
      ...row,
      verdict: newVerdicts.get(row.id) ?? row.verdict,
      actionStatus: plannedStatus.get(row.id) ?? null,
    })),
  );
  const newIds = new Set(findings.newEvidence.map((row) => row.id));
  const created = await createActions(work, planned, { evidenceStatusSet: newIds });
  return { planned, created };
}

async function recordVerdicts(
  work: SqlWork,
  investigation: InvestigationRef,
  targets: readonly FindingTarget[],
): Promise<void> {
  await recordEvidenceVerdicts(
    work.tx,
    investigation,
    targets.map((target) => ({ evidenceId: target.evidenceId, verdict: target.verdict })),
  );
}
