import { describe, expect, it } from 'vitest';
import {
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  INVESTIGATION_STATE_URGENCY,
  mostUrgentInvestigationState,
} from '../../src/policy/derived-state.js';
import { INVESTIGATION_STATES, type RemediationActionStatus } from '../../src/policy/vocabulary.js';

const complete = (actionStatuses: RemediationActionStatus[], hadThreatVerdict = true) =>
  deriveInvestigationState({ complete: true, hadThreatVerdict, actionStatuses });

describe('investigation state (SPEC §3.6)', () => {
  it('is RUNNING while findings are still coming, whatever the actions', () => {
    expect(
      deriveInvestigationState({
        complete: false,
        hadThreatVerdict: true,
        actionStatuses: ['PENDING_APPROVAL'],
      }),
    ).toBe('RUNNING');
    expect(
      deriveInvestigationState({ complete: false, hadThreatVerdict: false, actionStatuses: [] }),
    ).toBe('RUNNING');
  });

  it('a terminal state wins', () => {
    for (const terminal of ['FAILED', 'TERMINATED_BY_USER', 'TERMINATED_BY_SYSTEM'] as const) {
      expect(
        deriveInvestigationState({
          complete: false,
          terminal,
          hadThreatVerdict: true,
          actionStatuses: ['PENDING_APPROVAL'],
        }),
      ).toBe(terminal);
      expect(
        deriveInvestigationState({
          complete: true,
          terminal,
          hadThreatVerdict: false,
          actionStatuses: [],
        }),
      ).toBe(terminal);
    }
    expect(
      deriveInvestigationState({
        complete: true,
        terminal: null,
        hadThreatVerdict: false,
        actionStatuses: [],
      }),
    ).toBe('NO_THREATS_FOUND');
  });

  it('once complete: pending first, then still executing, then the outcome', () => {
    expect(complete(['COMPLETED', 'PENDING_APPROVAL', 'FAILED'])).toBe('PENDING_APPROVAL');
    expect(complete(['COMPLETED', 'IN_PROGRESS'])).toBe('RUNNING');
    expect(complete(['COMPLETED', 'COMPLETED'])).toBe('REMEDIATED');
    expect(complete(['COMPLETED', 'UNDONE', 'UNDO_IN_PROGRESS'])).toBe('REMEDIATED');
    for (const bad of ['REJECTED', 'EXPIRED', 'FAILED', 'CANCELLED'] as const) {
      expect(complete(['COMPLETED', bad])).toBe('PARTIALLY_REMEDIATED');
      expect(complete([bad])).toBe('PARTIALLY_REMEDIATED');
    }
  });

  it('no threat verdict and no action → NO_THREATS_FOUND; a threat needing no action → REMEDIATED', () => {
    expect(complete([], false)).toBe('NO_THREATS_FOUND');
    expect(complete([], true)).toBe('REMEDIATED');
  });
});

describe('incident remediation status (SPEC §3.6)', () => {
  it.each([
    [[], 'NONE'],
    [['PENDING_APPROVAL'], 'PENDING_APPROVAL'],
    [['COMPLETED', 'PENDING_APPROVAL', 'FAILED'], 'PENDING_APPROVAL'],
    [['COMPLETED'], 'REMEDIATED'],
    [['COMPLETED', 'UNDONE'], 'REMEDIATED'],
    [['COMPLETED', 'REJECTED'], 'PARTIALLY_REMEDIATED'],
    [['EXPIRED'], 'PARTIALLY_REMEDIATED'],
    [['COMPLETED', 'IN_PROGRESS'], 'PARTIALLY_REMEDIATED'],
    [['IN_PROGRESS'], 'NONE'],
    [['IN_PROGRESS', 'CANCELLED'], 'PARTIALLY_REMEDIATED'],
  ] as Array<[RemediationActionStatus[], string]>)('%j → %s', (statuses, expected) => {
    expect(deriveIncidentRemediationStatus(statuses)).toBe(expected);
  });
});

describe('most urgent investigation state', () => {
  it('pending approval first', () => {
    expect(mostUrgentInvestigationState(['REMEDIATED', 'PENDING_APPROVAL', 'RUNNING'])).toBe(
      'PENDING_APPROVAL',
    );
    expect(mostUrgentInvestigationState(['REMEDIATED', 'NO_THREATS_FOUND'])).toBe('REMEDIATED');
    expect(mostUrgentInvestigationState(['NO_THREATS_FOUND', 'RUNNING', 'FAILED'])).toBe('FAILED');
    expect(mostUrgentInvestigationState([])).toBeNull();
  });

  it('the urgency order covers every state once', () => {
    expect([...INVESTIGATION_STATE_URGENCY].sort()).toEqual([...INVESTIGATION_STATES].sort());
    expect(INVESTIGATION_STATE_URGENCY[0]).toBe('PENDING_APPROVAL');
    for (const [rank, state] of INVESTIGATION_STATE_URGENCY.entries()) {
      const lessUrgent = INVESTIGATION_STATE_URGENCY.slice(rank);
      expect(mostUrgentInvestigationState([...lessUrgent].reverse())).toBe(state);
    }
  });
});
