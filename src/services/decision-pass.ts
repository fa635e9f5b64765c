import type {
  AutomationLevel,
  EvidenceKind,
  OsPlatform,
  Plan,
  Verdict,
} from '../generated/prisma/enums.js';
import { decideRemediation, isUndoable, pendingExpiresAt } from '../policy/index.js';
import { createActions, type NewAction } from './action-transitions.js';
import { spreadThreat } from './spread.js';
import type { Work } from './work.js';

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
    if (
      !evaluation.actionType ||
      (evaluation.decision !== 'TAKE_AUTOMATICALLY' && evaluation.decision !== 'REQUIRE_APPROVAL')
    )
      return;
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

  // The same threat elsewhere (SPEC §3.3): more targets, each decided by its own device's group.
  for (const target of await spreadThreat(work, investigation, plan, targets)) actFor(target);
  return actions;
}
