import { describe, expect, it } from 'vitest';
import { decideAttackDisruption } from '../../src/policy/attack-disruption.js';
import { AUTOMATION_LEVELS } from '../../src/policy/vocabulary.js';

describe('attack disruption, the policy (SPEC §7.3)', () => {
  const investigated = AUTOMATION_LEVELS.filter((level) => level !== 'NO_AUTOMATED_RESPONSE');

  it.each(investigated)('isolates at once under %s on PLAN_2', (level) => {
    const decided = decideAttackDisruption({
      plan: 'PLAN_2',
      groupAutomationLevel: level,
      deviceIsolated: false,
    });
    expect(decided).toMatchObject({
      decision: 'TAKE_AUTOMATICALLY',
      actionType: 'ISOLATE_DEVICE',
      reason: { rule: 'attack-disruption-isolates', automationLevel: level },
    });
    expect(decided.explanation).toContain('Attack disruption');
    expect(decided.explanation).toContain(level);
  });

  it.each([
    ['PLAN_2', 'NO_AUTOMATED_RESPONSE', false, 'NO_INVESTIGATION', 'no-automated-response'],
    ['PLAN_1', 'FULL', false, 'NO_ACTION', 'plan-excludes-attack-disruption'],
    ['PLAN_1', 'NO_AUTOMATED_RESPONSE', false, 'NO_INVESTIGATION', 'no-automated-response'],
    ['PLAN_2', 'FULL', true, 'NO_ACTION', 'device-already-isolated'],
    // BUSINESS treats every device as FULL, even one whose group says otherwise.
    [
      'BUSINESS',
      'NO_AUTOMATED_RESPONSE',
      false,
      'TAKE_AUTOMATICALLY',
      'attack-disruption-isolates',
    ],
  ] as const)('%s, %s, isolated %s → %s (%s)', (plan, level, isolated, decision, rule) => {
    const decided = decideAttackDisruption({
      plan,
      groupAutomationLevel: level,
      deviceIsolated: isolated,
    });
    expect(decided.decision).toBe(decision);
    expect(decided.reason.rule).toBe(rule);
    expect(decided.actionType).toBe(decision === 'TAKE_AUTOMATICALLY' ? 'ISOLATE_DEVICE' : null);
  });

  it('says which plans include it when the plan does not', () => {
    const decided = decideAttackDisruption({
      plan: 'PLAN_1',
      groupAutomationLevel: 'FULL',
      deviceIsolated: false,
    });
    expect(decided.explanation).toBe(
      'Attack disruption is not included in PLAN_1; it is included in PLAN_2 and BUSINESS. The device is not isolated.',
    );
  });
});
