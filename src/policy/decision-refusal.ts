import type { RemediationActionStatus } from './vocabulary.js';

/** Why a decision (approve, reject, cancel) did not move an action, as the per-id error code. */
export type DecisionRefusalCode = 'ALREADY_DECIDED' | 'INVALID_TRANSITION';

/**
 * Approve and reject on an action no longer pending: it was already decided. Cancel is different
 * (SPEC §3.4: an action not yet final can be cancelled): an action found pending or expired lost
 * a race with another decision (ALREADY_DECIDED); any other status has no way to CANCELLED
 * (INVALID_TRANSITION).
 */
export function decisionRefusal(
  to: RemediationActionStatus,
  status: RemediationActionStatus,
): DecisionRefusalCode {
  if (to !== 'CANCELLED') return 'ALREADY_DECIDED';
  return status === 'PENDING_APPROVAL' || status === 'EXPIRED'
    ? 'ALREADY_DECIDED'
    : 'INVALID_TRANSITION';
}
