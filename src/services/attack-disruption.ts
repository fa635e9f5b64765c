import type { AutomationLevel, Plan, PolicyDecision } from '../generated/prisma/enums.js';
import { decideAttackDisruption, isUndoable, openTargetKey } from '../policy/index.js';
import type { Work } from './kernel/work.js';
import { createActions, type NewAction } from './remediation/create-actions.js';

/** What an alert reported with `attackDisruption: true` did to its device (SPEC §7.3). */
export interface AttackDisruptionOutcome {
  decision: PolicyDecision;
  explanation: string;
  /** The isolation: the one created, or the one already pending or in progress; else null. */
  actionId: string | null;
  /** True when an isolation was already open and this alert did not add another. */
  alreadyRequested: boolean;
}

/** The alert as reportAlert has it: its device (with the group's own level), plan, incident, investigation. */
export interface DisruptedAlert {
  plan: Plan;
  device: {
    id: string;
    deviceGroupId: string;
    isolated: boolean;
    deviceGroup: { automationLevel: AutomationLevel };
  };
  alert: { incidentId: string };
  investigation: { id: string } | null;
}

/**
 * Contains the alert's device at once when the policy says so: an ISOLATE_DEVICE taken
 * automatically (source AUTOMATED_INVESTIGATION, undoable like any isolation) in the alert's
 * investigation and incident. An isolation already open on the device is kept and returned:
 * the unique open-target key decides, also between concurrent alerts.
 */
export async function disruptAttack(
  work: Work,
  { plan, device, alert, investigation }: DisruptedAlert,
): Promise<AttackDisruptionOutcome> {
  const decided = decideAttackDisruption({
    plan,
    groupAutomationLevel: device.deviceGroup.automationLevel,
    deviceIsolated: device.isolated,
  });
  const outcome = { decision: decided.decision, explanation: decided.explanation };
  if (decided.actionType === null) return { ...outcome, actionId: null, alreadyRequested: false };
  const action: NewAction = {
    deviceId: device.id,
    deviceGroupId: device.deviceGroupId,
    type: decided.actionType,
    source: 'AUTOMATED_INVESTIGATION',
    status: 'IN_PROGRESS',
    investigationId: investigation?.id ?? null,
    incidentId: alert.incidentId,
    decision: decided.decision,
    explanation: decided.explanation,
    decidedAt: work.now,
    undoable: isUndoable(decided.actionType),
  };
  const [created] = await createActions(work, [action]);
  if (created) return { ...outcome, actionId: created.id, alreadyRequested: false };
  // Not created: an isolation is open on the device (one that closed since leaves none to name).
  const open = await work.tx.remediationAction.findUnique({
    where: { openTargetKey: openTargetKey(action) },
    select: { id: true },
  });
  return { ...outcome, actionId: open?.id ?? null, alreadyRequested: open !== null };
}
