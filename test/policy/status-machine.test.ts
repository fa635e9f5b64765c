import { describe, expect, it } from 'vitest';
import {
  allowedTransitionsFrom,
  assertTransition,
  CANCELLABLE_STATUSES,
  cancellableStatuses,
  canTransition,
  InvalidTransitionError,
  isCancellableStatus,
  isFinalStatus,
  isOpenStatus,
} from '../../src/policy/status-machine.js';
import {
  REMEDIATION_ACTION_STATUSES,
  type RemediationActionStatus,
} from '../../src/policy/vocabulary.js';

/** SPEC §3.4, written out independently: every allowed transition, and nothing else. */
const ALLOWED = new Set([
  'PENDING_APPROVAL → IN_PROGRESS',
  'PENDING_APPROVAL → REJECTED',
  'PENDING_APPROVAL → EXPIRED',
  'PENDING_APPROVAL → CANCELLED',
  'IN_PROGRESS → COMPLETED',
  'IN_PROGRESS → FAILED',
  'IN_PROGRESS → CANCELLED',
  'COMPLETED → UNDO_IN_PROGRESS',
  'UNDO_IN_PROGRESS → UNDONE',
  'UNDO_IN_PROGRESS → COMPLETED',
]);

describe('status machine', () => {
  const pairs = REMEDIATION_ACTION_STATUSES.flatMap((from) =>
    REMEDIATION_ACTION_STATUSES.map((to) => [from, to] as const),
  );

  it('checks all 81 pairs of statuses', () => {
    expect(pairs).toHaveLength(81);
  });

  it.each(pairs)('%s → %s', (from, to) => {
    const allowed = ALLOWED.has(`${from} → ${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
      expect(allowedTransitionsFrom(from)).toContain(to);
    } else {
      let error: unknown;
      try {
        assertTransition(from, to);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidTransitionError);
      const invalid = error as InvalidTransitionError;
      expect(invalid.from).toBe(from);
      expect(invalid.to).toBe(to);
      expect(invalid.code).toBe('INVALID_TRANSITION');
      expect(invalid.message).toContain(`from ${from} to ${to}`);
    }
  });

  it('knows final, open and cancellable statuses', () => {
    const final: RemediationActionStatus[] = [
      'COMPLETED',
      'FAILED',
      'REJECTED',
      'EXPIRED',
      'CANCELLED',
      'UNDONE',
    ];
    for (const status of REMEDIATION_ACTION_STATUSES) {
      expect(isFinalStatus(status), status).toBe(final.includes(status));
      expect(isOpenStatus(status), status).toBe(
        status === 'PENDING_APPROVAL' || status === 'IN_PROGRESS',
      );
      expect(isCancellableStatus(status), status).toBe(
        status === 'PENDING_APPROVAL' || status === 'IN_PROGRESS',
      );
    }
    expect([...CANCELLABLE_STATUSES].sort()).toEqual(['IN_PROGRESS', 'PENDING_APPROVAL']);
    expect(cancellableStatuses).toBe(CANCELLABLE_STATUSES);
  });

  it('a final status other than COMPLETED goes nowhere', () => {
    for (const status of ['FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'UNDONE'] as const)
      expect(allowedTransitionsFrom(status)).toEqual([]);
  });

  it('a value outside the vocabulary has no transition', () => {
    expect(allowedTransitionsFrom('toString' as RemediationActionStatus)).toEqual([]);
    expect(canTransition('toString' as RemediationActionStatus, 'COMPLETED')).toBe(false);
  });
});
