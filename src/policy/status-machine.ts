import type { RemediationActionStatus } from './vocabulary.js';

/**
 * The remediation action status machine (SPEC §3.4) as a transition table. Every status change
 * goes through `assertTransition`; no other transition exists.
 *
 *   PENDING_APPROVAL → IN_PROGRESS (approved) | REJECTED | EXPIRED | CANCELLED
 *   IN_PROGRESS      → COMPLETED | FAILED | CANCELLED
 *   COMPLETED        → UNDO_IN_PROGRESS
 *   UNDO_IN_PROGRESS → UNDONE | COMPLETED (the undo failed; the failure is recorded)
 *   FAILED, REJECTED, EXPIRED, CANCELLED, UNDONE → nothing
 */
export const STATUS_TRANSITIONS: Readonly<
  Record<RemediationActionStatus, ReadonlyArray<RemediationActionStatus>>
> = {
  PENDING_APPROVAL: ['IN_PROGRESS', 'REJECTED', 'EXPIRED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED', 'CANCELLED'],
  COMPLETED: ['UNDO_IN_PROGRESS'],
  UNDO_IN_PROGRESS: ['UNDONE', 'COMPLETED'],
  FAILED: [],
  REJECTED: [],
  EXPIRED: [],
  CANCELLED: [],
  UNDONE: [],
};

/**
 * Final statuses: the action's outcome is settled. COMPLETED is final (the executor is done)
 * although it can still be undone; UNDO_IN_PROGRESS is not (an undo is under way).
 */
export const FINAL_STATUSES: ReadonlyArray<RemediationActionStatus> = [
  'COMPLETED',
  'FAILED',
  'REJECTED',
  'EXPIRED',
  'CANCELLED',
  'UNDONE',
];

/** Open statuses: the action is pending or in progress on its target (the duplicate rule of SPEC §2.4). */
export const OPEN_STATUSES: ReadonlyArray<RemediationActionStatus> = [
  'PENDING_APPROVAL',
  'IN_PROGRESS',
];

/** Dispatched statuses: an executor has work to do (carry the action out, or undo it) (SPEC §3.5). */
export const DISPATCHED_STATUSES: ReadonlyArray<RemediationActionStatus> = [
  'IN_PROGRESS',
  'UNDO_IN_PROGRESS',
];

/** Statuses from which an action can be cancelled (derived from the table). */
export const CANCELLABLE_STATUSES: ReadonlyArray<RemediationActionStatus> = (
  Object.keys(STATUS_TRANSITIONS) as RemediationActionStatus[]
).filter((from) => STATUS_TRANSITIONS[from].includes('CANCELLED'));

/** Alias kept for readability at call sites: `cancellableStatuses.includes(status)`. */
export const cancellableStatuses = CANCELLABLE_STATUSES;

export class InvalidTransitionError extends Error {
  readonly code = 'INVALID_TRANSITION';
  constructor(
    readonly from: RemediationActionStatus,
    readonly to: RemediationActionStatus,
  ) {
    const allowed = allowedTransitionsFrom(from);
    super(
      `A remediation action cannot go from ${from} to ${to}` +
        (allowed.length === 0
          ? ` (${from} is final).`
          : ` (from ${from} it can go to ${allowed.join(', ')}).`),
    );
    this.name = 'InvalidTransitionError';
  }
}

/** The statuses `from` can go to (none for a final status or a value outside the vocabulary). */
export function allowedTransitionsFrom(
  from: RemediationActionStatus,
): ReadonlyArray<RemediationActionStatus> {
  return Object.hasOwn(STATUS_TRANSITIONS, from) ? STATUS_TRANSITIONS[from] : [];
}

export function canTransition(from: RemediationActionStatus, to: RemediationActionStatus): boolean {
  return allowedTransitionsFrom(from).includes(to);
}

/** Throws InvalidTransitionError unless `from → to` is in the table. */
export function assertTransition(from: RemediationActionStatus, to: RemediationActionStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

export function isFinalStatus(status: RemediationActionStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** PENDING_APPROVAL or IN_PROGRESS. */
export function isOpenStatus(status: RemediationActionStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function isDispatchedStatus(status: RemediationActionStatus): boolean {
  return DISPATCHED_STATUSES.includes(status);
}

export function isCancellableStatus(status: RemediationActionStatus): boolean {
  return CANCELLABLE_STATUSES.includes(status);
}
