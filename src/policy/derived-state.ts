import type {
  IncidentRemediationStatus,
  InvestigationState,
  RemediationActionStatus,
} from './vocabulary.js';

/**
 * Derived states (SPEC §3.6), computed from the actions, never stored out of sync.
 *
 * How each action status counts once an investigation is complete:
 * - PENDING_APPROVAL: waiting for a person.
 * - IN_PROGRESS: approved or automatic, executor not done yet → the remediation is still running.
 * - COMPLETED, UNDO_IN_PROGRESS, UNDONE: remediated (an undo is a person's later decision about a
 *   remediation that did happen; it does not make the investigation partial).
 * - REJECTED, EXPIRED, FAILED, CANCELLED: not remediated.
 */
export const REMEDIATED_STATUSES: ReadonlyArray<RemediationActionStatus> = [
  'COMPLETED',
  'UNDO_IN_PROGRESS',
  'UNDONE',
];
export const UNREMEDIATED_STATUSES: ReadonlyArray<RemediationActionStatus> = [
  'REJECTED',
  'EXPIRED',
  'FAILED',
  'CANCELLED',
];

export type InvestigationTerminal = 'FAILED' | 'TERMINATED_BY_USER' | 'TERMINATED_BY_SYSTEM';

export interface InvestigationFacts {
  /** The investigation engine said it is complete (no more findings). */
  readonly complete: boolean;
  /** Set when the investigation ended abnormally; it wins over everything else. */
  readonly terminal?: InvestigationTerminal | null;
  /** Some evidence got a MALICIOUS or SUSPICIOUS verdict. */
  readonly hadThreatVerdict: boolean;
  /** The statuses of the investigation's actions. */
  readonly actionStatuses: ReadonlyArray<RemediationActionStatus>;
}

/**
 * In order: a terminal state (FAILED, TERMINATED_BY_USER, TERMINATED_BY_SYSTEM) as given;
 * RUNNING while findings are still coming; then PENDING_APPROVAL if any action is pending;
 * RUNNING if any action is still executing (IN_PROGRESS); NO_THREATS_FOUND when there was no
 * malicious or suspicious verdict and no action; PARTIALLY_REMEDIATED if any action was rejected,
 * expired, failed or cancelled (also when all were); otherwise REMEDIATED — including a threat
 * verdict that needed no action (informational evidence only): nothing is left to remediate.
 */
export function deriveInvestigationState(facts: InvestigationFacts): InvestigationState {
  if (facts.terminal) return facts.terminal;
  if (!facts.complete) return 'RUNNING';
  const statuses = facts.actionStatuses;
  if (statuses.includes('PENDING_APPROVAL')) return 'PENDING_APPROVAL';
  if (statuses.includes('IN_PROGRESS')) return 'RUNNING';
  if (statuses.length === 0 && !facts.hadThreatVerdict) return 'NO_THREATS_FOUND';
  if (statuses.some((s) => UNREMEDIATED_STATUSES.includes(s))) return 'PARTIALLY_REMEDIATED';
  return 'REMEDIATED';
}

/**
 * An incident's remediation status from all its actions: NONE without actions;
 * PENDING_APPROVAL if any is pending; REMEDIATED when every action is remediated (COMPLETED,
 * UNDO_IN_PROGRESS, UNDONE); PARTIALLY_REMEDIATED when any was rejected, expired, failed or
 * cancelled, or when some are remediated while others are still executing; NONE when the only
 * other actions are still executing (nothing remediated yet).
 */
export function deriveIncidentRemediationStatus(
  actionStatuses: ReadonlyArray<RemediationActionStatus>,
): IncidentRemediationStatus {
  if (actionStatuses.length === 0) return 'NONE';
  if (actionStatuses.includes('PENDING_APPROVAL')) return 'PENDING_APPROVAL';
  let remediated = 0;
  let unremediated = 0;
  for (const status of actionStatuses) {
    if (REMEDIATED_STATUSES.includes(status)) remediated++;
    else if (UNREMEDIATED_STATUSES.includes(status)) unremediated++;
  }
  if (remediated === actionStatuses.length) return 'REMEDIATED';
  if (unremediated > 0 || remediated > 0) return 'PARTIALLY_REMEDIATED';
  return 'NONE';
}

/**
 * Urgency order of investigation states, most urgent first: a person must act
 * (PENDING_APPROVAL), something went wrong (FAILED), a threat was left (PARTIALLY_REMEDIATED),
 * work is under way (RUNNING), stopped early (TERMINATED_BY_SYSTEM, TERMINATED_BY_USER), done
 * (REMEDIATED), nothing found (NO_THREATS_FOUND).
 */
export const INVESTIGATION_STATE_URGENCY: ReadonlyArray<InvestigationState> = [
  'PENDING_APPROVAL',
  'FAILED',
  'PARTIALLY_REMEDIATED',
  'RUNNING',
  'TERMINATED_BY_SYSTEM',
  'TERMINATED_BY_USER',
  'REMEDIATED',
  'NO_THREATS_FOUND',
];

/** An incident's `automatedInvestigationState`: the most urgent state among its investigations; null without any. */
export function mostUrgentInvestigationState(
  states: ReadonlyArray<InvestigationState>,
): InvestigationState | null {
  let best: InvestigationState | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const state of states) {
    const rank = INVESTIGATION_STATE_URGENCY.indexOf(state);
    if (rank >= 0 && rank < bestRank) {
      best = state;
      bestRank = rank;
    }
  }
  return best;
}
