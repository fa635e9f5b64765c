import type { RemediationActionStatus } from './vocabulary.js';

/**
 * What has been done about a piece of evidence (the action center's "remediation status" of the
 * evidence), as a function of the status of the action taken on it (SPEC §3.6: "Undo of an action
 * makes its evidence's remediation status reflect it (restored)").
 *
 * - PENDING_APPROVAL → PENDING_APPROVAL; IN_PROGRESS → IN_PROGRESS
 * - COMPLETED and UNDO_IN_PROGRESS → REMEDIATED (the file is quarantined until the undo is done;
 *   an undo that failed goes back to COMPLETED, so REMEDIATED again)
 * - UNDONE → RESTORED
 * - FAILED → FAILED
 * - REJECTED, EXPIRED, CANCELLED → DECLINED (nobody remediated it)
 */
export const EVIDENCE_REMEDIATION_STATUSES = [
  'NONE',
  'PENDING_APPROVAL',
  'IN_PROGRESS',
  'REMEDIATED',
  'DECLINED',
  'FAILED',
  'RESTORED',
] as const;
export type EvidenceRemediationStatus = (typeof EVIDENCE_REMEDIATION_STATUSES)[number];

const BY_ACTION_STATUS: Readonly<Record<RemediationActionStatus, EvidenceRemediationStatus>> = {
  PENDING_APPROVAL: 'PENDING_APPROVAL',
  IN_PROGRESS: 'IN_PROGRESS',
  COMPLETED: 'REMEDIATED',
  UNDO_IN_PROGRESS: 'REMEDIATED',
  UNDONE: 'RESTORED',
  FAILED: 'FAILED',
  REJECTED: 'DECLINED',
  EXPIRED: 'DECLINED',
  CANCELLED: 'DECLINED',
};

export function evidenceRemediationStatusFor(
  actionStatus: RemediationActionStatus,
): EvidenceRemediationStatus {
  const status = BY_ACTION_STATUS[actionStatus];
  if (status === undefined) throw new TypeError(`unknown action status: ${String(actionStatus)}`);
  return status;
}
