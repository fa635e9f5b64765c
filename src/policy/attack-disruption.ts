import { DECISION_TABLE } from './decision-table.js';
import {
  effectiveAutomationLevel,
  listWords,
  planIncludesAttackDisruption,
  plansWithAttackDisruption,
} from './plans.js';
import type { AutomationLevel, Plan, PolicyDecision, RemediationActionType } from './vocabulary.js';

/**
 * Automatic attack disruption (SPEC §7.3): an alert reported as an attack in progress contains
 * its device at once. The rules, read top-down like `DECISION_RULES` (first match decides):
 *
 * | # | rule                               | when                                              | decision             |
 * |---|------------------------------------|---------------------------------------------------|----------------------|
 * | 1 | `no-automated-response`            | the level's row is all "no investigation"         | `NO_INVESTIGATION`   |
 * | 2 | `plan-excludes-attack-disruption`  | the tenant's plan does not include it (PLAN_1)    | `NO_ACTION`          |
 * | 3 | `device-already-isolated`          | the device is isolated already                    | `NO_ACTION`          |
 * | 4 | `attack-disruption-isolates`       | otherwise, whatever the other levels say          | `TAKE_AUTOMATICALLY` |
 *
 * An isolation already pending or in progress is not a rule here: the open-target key of the
 * action (one open ISOLATE_DEVICE per device) keeps it single, also between concurrent alerts.
 */

export const ATTACK_DISRUPTION_RULE_NAMES = [
  'no-automated-response',
  'plan-excludes-attack-disruption',
  'device-already-isolated',
  'attack-disruption-isolates',
] as const;
export type AttackDisruptionRuleName = (typeof ATTACK_DISRUPTION_RULE_NAMES)[number];

export interface AttackDisruptionInput {
  readonly plan: Plan;
  /** The device group's own level (the plan may impose another: BUSINESS → FULL). */
  readonly groupAutomationLevel: AutomationLevel;
  readonly deviceIsolated: boolean;
}

/** Why, as data; the sentence is rendered from it. */
export interface AttackDisruptionReason {
  readonly rule: AttackDisruptionRuleName;
  readonly plan: Plan;
  readonly automationLevel: AutomationLevel;
  readonly groupAutomationLevel: AutomationLevel;
}

export interface AttackDisruptionDecision {
  readonly decision: PolicyDecision;
  /** ISOLATE_DEVICE when the device is contained, else null. */
  readonly actionType: RemediationActionType | null;
  readonly reason: AttackDisruptionReason;
  readonly explanation: string;
}

interface Facts {
  readonly investigated: boolean;
  readonly planIncludes: boolean;
  readonly deviceIsolated: boolean;
}

const RULES: ReadonlyArray<{
  readonly name: AttackDisruptionRuleName;
  readonly when: (facts: Facts) => boolean;
  readonly decision: PolicyDecision;
}> = [
  { name: 'no-automated-response', when: (f) => !f.investigated, decision: 'NO_INVESTIGATION' },
  { name: 'plan-excludes-attack-disruption', when: (f) => !f.planIncludes, decision: 'NO_ACTION' },
  { name: 'device-already-isolated', when: (f) => f.deviceIsolated, decision: 'NO_ACTION' },
  { name: 'attack-disruption-isolates', when: () => true, decision: 'TAKE_AUTOMATICALLY' },
];

const isInvestigated = (level: AutomationLevel): boolean =>
  Object.values(DECISION_TABLE[level]).some((cell) => cell !== 'no investigation');

/** Decides whether an attack-disruption alert isolates its device. Pure. */
export function decideAttackDisruption(input: AttackDisruptionInput): AttackDisruptionDecision {
  const automationLevel = effectiveAutomationLevel(input.plan, input.groupAutomationLevel);
  const facts: Facts = {
    investigated: isInvestigated(automationLevel),
    planIncludes: planIncludesAttackDisruption(input.plan),
    deviceIsolated: input.deviceIsolated,
  };
  const rule = RULES.find((candidate) => candidate.when(facts)) as (typeof RULES)[number];
  const reason: AttackDisruptionReason = {
    rule: rule.name,
    plan: input.plan,
    automationLevel,
    groupAutomationLevel: input.groupAutomationLevel,
  };
  return {
    decision: rule.decision,
    actionType: rule.decision === 'TAKE_AUTOMATICALLY' ? 'ISOLATE_DEVICE' : null,
    reason,
    explanation: renderAttackDisruption(reason),
  };
}

/** The sentence for a reason: "Attack disruption: …". */
export function renderAttackDisruption(reason: AttackDisruptionReason): string {
  switch (reason.rule) {
    case 'no-automated-response':
      return `Attack disruption: the group (${reason.automationLevel}) allows no automated response, so the device is not isolated.`;
    case 'plan-excludes-attack-disruption':
      return `Attack disruption is not included in ${reason.plan}; it is included in ${listWords(plansWithAttackDisruption())}. The device is not isolated.`;
    case 'device-already-isolated':
      return 'Attack disruption: the device is already isolated.';
    case 'attack-disruption-isolates':
      return `Attack disruption: an attack in progress was reported, so the device is isolated at once (group level ${reason.automationLevel}); undo releases it.`;
  }
}
