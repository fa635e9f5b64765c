import { describe, expect, it } from 'vitest';
import { collectionActionType, collectionStatus } from '../../src/policy/index.js';
import { REMEDIATION_ACTION_STATUSES } from '../../src/policy/vocabulary.js';

// The pure rules of collection (src/policy/collection.ts), table-driven.

describe('collectionStatus', () => {
  const expected: Record<string, string> = {
    PENDING_APPROVAL: 'REQUESTED',
    IN_PROGRESS: 'REQUESTED',
    COMPLETED: 'FAILED',
    FAILED: 'FAILED',
    REJECTED: 'FAILED',
    EXPIRED: 'FAILED',
    CANCELLED: 'FAILED',
    UNDO_IN_PROGRESS: 'FAILED',
    UNDONE: 'FAILED',
  };
  it.each(REMEDIATION_ACTION_STATUSES)(
    'without an upload, action %s reads as its expected status',
    (status) => {
      expect(collectionStatus(false, status)).toBe(expected[status]);
    },
  );
  it.each(REMEDIATION_ACTION_STATUSES)('with an upload, action %s reads UPLOADED', (status) => {
    expect(collectionStatus(true, status)).toBe('UPLOADED');
  });
});

describe('collectionActionType', () => {
  it('maps each kind to the action that carries it', () => {
    expect(collectionActionType('FILE')).toBe('COLLECT_FILE');
    expect(collectionActionType('INVESTIGATION_PACKAGE')).toBe('COLLECT_INVESTIGATION_PACKAGE');
  });
});
