import type { RemediationActionStatus, RemediationActionType } from './vocabulary.js';

// Collection (SPEC §7.4): which action carries a collection, and the status a person sees.

export const COLLECTION_KINDS = ['FILE', 'INVESTIGATION_PACKAGE'] as const;
export type CollectionKind = (typeof COLLECTION_KINDS)[number];

export const COLLECTION_STATUSES = ['REQUESTED', 'UPLOADED', 'FAILED'] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];

const ACTION_OF_KIND: Readonly<Record<CollectionKind, RemediationActionType>> = {
  FILE: 'COLLECT_FILE',
  INVESTIGATION_PACKAGE: 'COLLECT_INVESTIGATION_PACKAGE',
};

/** The action type that carries a collection of this kind to the device (and shows in History). */
export function collectionActionType(kind: CollectionKind): RemediationActionType {
  return ACTION_OF_KIND[kind];
}

/**
 * The plan feature a collection needs: collecting a file is the same capability as collecting a
 * package (the plans name only COLLECT_INVESTIGATION_PACKAGE), so one rule covers both.
 */
export const COLLECTION_PLAN_FEATURE: RemediationActionType = 'COLLECT_INVESTIGATION_PACKAGE';

/**
 * What a collection's status is, derived from facts that cannot disagree with it: uploaded
 * content is UPLOADED; an action still open is REQUESTED; an action that ended without an upload
 * (failed, cancelled, or completed by something that sent nothing) is FAILED.
 */
export function collectionStatus(
  uploaded: boolean,
  actionStatus: RemediationActionStatus,
): CollectionStatus {
  if (uploaded) return 'UPLOADED';
  if (actionStatus === 'IN_PROGRESS' || actionStatus === 'PENDING_APPROVAL') return 'REQUESTED';
  return 'FAILED';
}
