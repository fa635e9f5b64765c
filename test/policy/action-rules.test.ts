import { describe, expect, it } from 'vitest';
import { openTargetKey } from '../../src/policy/action-target.js';
import { agentWorkKind } from '../../src/policy/agent-work-kind.js';
import { decisionRefusal } from '../../src/policy/decision-refusal.js';
import {
  customDeviceGroupRefusal,
  PLANS_WITH_CUSTOM_DEVICE_GROUPS,
} from '../../src/policy/device-group-plans.js';
import { hasEnded } from '../../src/policy/investigation-end.js';
import {
  INVESTIGATION_STATES,
  type InvestigationState,
  REMEDIATION_ACTION_STATUSES,
  type RemediationActionStatus,
} from '../../src/policy/vocabulary.js';

const SHA = 'ab'.repeat(32);

describe('openTargetKey: one open action per target (SPEC §2.4)', () => {
  it.each([
    [
      'a file action is keyed by device, type and lower-case sha256',
      { deviceId: 'd1', type: 'QUARANTINE_FILE', sha256: SHA.toUpperCase(), evidenceId: 'e1' },
      `d1:QUARANTINE_FILE:${SHA}`,
    ],
    [
      'a manual file action likewise',
      { deviceId: 'd1', type: 'STOP_AND_QUARANTINE_FILE', sha256: SHA },
      `d1:STOP_AND_QUARANTINE_FILE:${SHA}`,
    ],
    [
      'an indicator likewise',
      { deviceId: 'd1', type: 'ADD_INDICATOR', sha256: SHA },
      `d1:ADD_INDICATOR:${SHA}`,
    ],
    [
      'a file action without sha256 falls back to its evidence',
      { deviceId: 'd1', type: 'QUARANTINE_FILE', evidenceId: 'e1' },
      'd1:QUARANTINE_FILE:evidence:e1',
    ],
    [
      'another evidence action is keyed by its evidence',
      { deviceId: 'd1', type: 'KILL_PROCESS', sha256: SHA, evidenceId: 'e2' },
      'd1:KILL_PROCESS:evidence:e2',
    ],
    [
      'a device action by device and type, a sha256 ignored',
      { deviceId: 'd1', type: 'ISOLATE_DEVICE', sha256: SHA },
      'd1:ISOLATE_DEVICE:',
    ],
  ] as const)('%s', (_name, target, key) => {
    expect(openTargetKey(target)).toBe(key);
  });

  it('tells targets apart by device and by file', () => {
    const base = { deviceId: 'd1', type: 'ADD_INDICATOR', sha256: 'a'.repeat(64) } as const;
    expect(openTargetKey(base)).not.toBe(openTargetKey({ ...base, deviceId: 'd2' }));
    expect(openTargetKey(base)).not.toBe(openTargetKey({ ...base, sha256: 'b'.repeat(64) }));
  });
});

describe('hasEnded: the states that set an investigation end time', () => {
  const ended: InvestigationState[] = [
    'REMEDIATED',
    'PARTIALLY_REMEDIATED',
    'NO_THREATS_FOUND',
    'FAILED',
    'TERMINATED_BY_USER',
    'TERMINATED_BY_SYSTEM',
  ];
  it.each(INVESTIGATION_STATES.map((state) => [state, ended.includes(state)] as const))(
    '%s → %s',
    (state, expected) => expect(hasEnded(state)).toBe(expected),
  );
});

describe('decisionRefusal: why an approve, reject or cancel left an action as it was', () => {
  const cancelAlreadyDecided: RemediationActionStatus[] = ['PENDING_APPROVAL', 'EXPIRED'];
  it.each(REMEDIATION_ACTION_STATUSES)('cancel of a %s action', (status) => {
    expect(decisionRefusal('CANCELLED', status)).toBe(
      cancelAlreadyDecided.includes(status) ? 'ALREADY_DECIDED' : 'INVALID_TRANSITION',
    );
  });
  it.each(REMEDIATION_ACTION_STATUSES)('approve and reject of a %s action', (status) => {
    expect(decisionRefusal('IN_PROGRESS', status)).toBe('ALREADY_DECIDED');
    expect(decisionRefusal('REJECTED', status)).toBe('ALREADY_DECIDED');
  });
});

describe('agentWorkKind: what dispatched work asks of an agent', () => {
  it.each([
    ['IN_PROGRESS', 'EXECUTE'],
    ['UNDO_IN_PROGRESS', 'UNDO'],
  ] as const)('%s → %s', (status, kind) => expect(agentWorkKind(status)).toBe(kind));
});

describe('custom device groups by plan (SPEC §2.5)', () => {
  it('names the plans that include them', () => {
    expect(PLANS_WITH_CUSTOM_DEVICE_GROUPS).toEqual(['PLAN_1', 'PLAN_2']);
    expect(customDeviceGroupRefusal('BUSINESS')).toBe(
      'The BUSINESS plan has no custom device groups; PLAN_1 and PLAN_2 include them.',
    );
  });
});
