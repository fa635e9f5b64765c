import { describe, expect, it } from 'vitest';
import {
  type ActionEventFacts,
  type AutomationRuleFacts,
  ruleMatchesEvent,
  stepFitsTrigger,
} from '../../src/policy/automation-match.js';

const SHA = 'a'.repeat(64);
const pending: ActionEventFacts = {
  previousStatus: null,
  status: 'PENDING_APPROVAL',
  actionType: 'QUARANTINE_FILE',
  deviceGroupId: 'g1',
  sha256: SHA,
  severity: 'MEDIUM',
};
const approved: ActionEventFacts = {
  ...pending,
  previousStatus: 'PENDING_APPROVAL',
  status: 'IN_PROGRESS',
};
const created: ActionEventFacts = { ...pending, status: 'IN_PROGRESS' };

const rule = (
  trigger: AutomationRuleFacts['trigger'],
  condition: AutomationRuleFacts['condition'] = {},
): AutomationRuleFacts => ({ trigger, condition });

describe('ruleMatchesEvent (SPEC §7.2)', () => {
  it.each([
    ['pending, no condition', rule('ACTION_PENDING'), pending, true],
    ['pending rule, approval event', rule('ACTION_PENDING'), approved, false],
    ['status changed, approval event', rule('ACTION_STATUS_CHANGED'), approved, true],
    ['status changed, a creation is not a change', rule('ACTION_STATUS_CHANGED'), created, false],
    ['incident created matches no action event', rule('INCIDENT_CREATED'), pending, false],
    ['alert reported matches no action event', rule('ALERT_REPORTED'), pending, false],
    ['group in list', rule('ACTION_PENDING', { deviceGroupIds: ['g0', 'g1'] }), pending, true],
    ['group not in list', rule('ACTION_PENDING', { deviceGroupIds: ['g2'] }), pending, false],
    [
      'empty group list holds for nothing',
      rule('ACTION_PENDING', { deviceGroupIds: [] }),
      pending,
      false,
    ],
    ['type in list', rule('ACTION_PENDING', { actionTypes: ['QUARANTINE_FILE'] }), pending, true],
    ['type not in list', rule('ACTION_PENDING', { actionTypes: ['KILL_PROCESS'] }), pending, false],
    ['severity equal to minimum', rule('ACTION_PENDING', { minSeverity: 'MEDIUM' }), pending, true],
    ['severity below minimum', rule('ACTION_PENDING', { minSeverity: 'HIGH' }), pending, false],
    [
      'no incident fails a minimum',
      rule('ACTION_PENDING', { minSeverity: 'INFORMATIONAL' }),
      { ...pending, severity: null },
      false,
    ],
    ['sha256 in list', rule('ACTION_PENDING', { sha256In: [SHA] }), pending, true],
    [
      'sha256 compared lower-case',
      rule('ACTION_PENDING', { sha256In: [SHA] }),
      { ...pending, sha256: SHA.toUpperCase() },
      true,
    ],
    ['sha256 not in list', rule('ACTION_PENDING', { sha256In: ['b'.repeat(64)] }), pending, false],
    [
      'no sha256 fails a list',
      rule('ACTION_PENDING', { sha256In: [SHA] }),
      { ...pending, sha256: null },
      false,
    ],
    [
      'all parts hold',
      rule('ACTION_PENDING', {
        deviceGroupIds: ['g1'],
        actionTypes: ['QUARANTINE_FILE'],
        minSeverity: 'LOW',
        sha256In: [SHA],
      }),
      pending,
      true,
    ],
    [
      'one part fails',
      rule('ACTION_PENDING', {
        deviceGroupIds: ['g1'],
        actionTypes: ['QUARANTINE_FILE'],
        minSeverity: 'HIGH',
        sha256In: [SHA],
      }),
      pending,
      false,
    ],
    [
      'null parts are absent',
      rule('ACTION_PENDING', {
        deviceGroupIds: null,
        actionTypes: null,
        minSeverity: null,
        sha256In: null,
      }),
      pending,
      true,
    ],
  ] as const)('%s → %s', (_name, r, event, expected) => {
    expect(ruleMatchesEvent(r, event)).toBe(expected);
  });

  it.each([
    ['APPROVE', 'ACTION_PENDING', true],
    ['REJECT', 'ACTION_PENDING', true],
    ['APPROVE', 'ACTION_STATUS_CHANGED', false],
    ['REJECT', 'ALERT_REPORTED', false],
    ['NOTIFY_WEBHOOK', 'ACTION_STATUS_CHANGED', true],
    ['ASSIGN_INCIDENT', 'ACTION_PENDING', true],
  ] as const)('step %s fits trigger %s: %s', (step, trigger, expected) => {
    expect(stepFitsTrigger(step, trigger)).toBe(expected);
  });
});
