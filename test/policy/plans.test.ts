import { describe, expect, it } from 'vitest';
import { runsAutomatedInvestigation } from '../../src/policy/automated-investigation.js';
import {
  checkManualActionAllowed,
  effectiveAutomationLevel,
  planAllowsCustomDeviceGroups,
} from '../../src/policy/plans.js';
import {
  AUTOMATION_LEVELS,
  PLANS,
  type Plan,
  REMEDIATION_ACTION_TYPES,
  type RemediationActionType,
} from '../../src/policy/vocabulary.js';

const MANUAL: RemediationActionType[] = [
  'ISOLATE_DEVICE',
  'RESTRICT_CODE_EXECUTION',
  'RUN_ANTIVIRUS_SCAN',
  'COLLECT_INVESTIGATION_PACKAGE',
  'INITIATE_INVESTIGATION',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
];
const BASIC: RemediationActionType[] = [
  'RUN_ANTIVIRUS_SCAN',
  'ISOLATE_DEVICE',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
];

/** SPEC §2.5, independently: which plan includes which manual action. */
const INCLUDED: Record<Plan, RemediationActionType[]> = {
  PLAN_2: MANUAL,
  PLAN_1: BASIC,
  BUSINESS: BASIC,
};

describe('plans (SPEC §2.5)', () => {
  it('allows exactly the manual actions each plan includes', () => {
    for (const plan of PLANS) {
      for (const type of MANUAL) {
        const result = checkManualActionAllowed(plan, type);
        expect(result.allowed, `${plan} ${type}`).toBe(INCLUDED[plan].includes(type));
      }
    }
  });

  it('a refusal says which plan includes the action', () => {
    expect(checkManualActionAllowed('PLAN_1', 'RESTRICT_CODE_EXECUTION')).toEqual({
      allowed: false,
      code: 'PLAN_LIMIT',
      includedIn: ['PLAN_2'],
      message: 'RESTRICT_CODE_EXECUTION is not included in PLAN_1; it is included in PLAN_2.',
    });
    expect(checkManualActionAllowed('BUSINESS', 'COLLECT_INVESTIGATION_PACKAGE')).toMatchObject({
      allowed: false,
      code: 'PLAN_LIMIT',
      message:
        'COLLECT_INVESTIGATION_PACKAGE is not included in BUSINESS; it is included in PLAN_2.',
    });
  });

  it('refuses an AIR action type as a manual action, on every plan', () => {
    for (const plan of PLANS) {
      for (const type of REMEDIATION_ACTION_TYPES.filter((t) => !MANUAL.includes(t))) {
        const result = checkManualActionAllowed(plan, type);
        expect(result.allowed).toBe(false);
        if (!result.allowed) {
          expect(result.code).toBe('NOT_MANUAL_ACTION');
          expect(result.message).toContain(type);
        }
      }
    }
  });

  it('custom device groups: not on BUSINESS', () => {
    expect(planAllowsCustomDeviceGroups('PLAN_1')).toBe(true);
    expect(planAllowsCustomDeviceGroups('PLAN_2')).toBe(true);
    expect(planAllowsCustomDeviceGroups('BUSINESS')).toBe(false);
  });

  it('on BUSINESS every device is FULL; other plans keep the group level', () => {
    for (const level of AUTOMATION_LEVELS) {
      expect(effectiveAutomationLevel('BUSINESS', level)).toBe('FULL');
      expect(effectiveAutomationLevel('PLAN_1', level)).toBe(level);
      expect(effectiveAutomationLevel('PLAN_2', level)).toBe(level);
    }
  });

  it('an unknown plan is a TypeError', () => {
    expect(() => checkManualActionAllowed('GOLD' as Plan, 'ISOLATE_DEVICE')).toThrow(TypeError);
    expect(() => planAllowsCustomDeviceGroups('toString' as Plan)).toThrow(TypeError);
  });
});

describe('automated investigation (SPEC §2.1)', () => {
  it('runs on every level but NO_AUTOMATED_RESPONSE, and on every group of a BUSINESS tenant (forced FULL)', () => {
    for (const level of AUTOMATION_LEVELS) {
      expect(runsAutomatedInvestigation('PLAN_2', level)).toBe(level !== 'NO_AUTOMATED_RESPONSE');
      expect(runsAutomatedInvestigation('PLAN_1', level)).toBe(level !== 'NO_AUTOMATED_RESPONSE');
      expect(runsAutomatedInvestigation('BUSINESS', level)).toBe(true);
    }
  });
});
