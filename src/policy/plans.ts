import {
  isManualActionType,
  MANUAL_ACTION_TYPES,
  type ManualActionType,
} from './action-mapping.js';
import {
  type AutomationLevel,
  PLANS,
  type Plan,
  type RemediationActionType,
} from './vocabulary.js';

/** SPEC §2.5 as data: what each plan includes. */
export interface PlanFeatures {
  /** The manual response actions the plan includes. */
  readonly manualActions: ReadonlyArray<ManualActionType>;
  /** Whether the tenant may create device groups other than the default one. */
  readonly customDeviceGroups: boolean;
  /** When set, every device is treated as being in a group of this level. */
  readonly forcedAutomationLevel: AutomationLevel | null;
  /** Whether an alert may contain its device at once (SPEC §7.3, automatic attack disruption). */
  readonly attackDisruption: boolean;
}

const BASIC_MANUAL_ACTIONS: ReadonlyArray<ManualActionType> = [
  'RUN_ANTIVIRUS_SCAN',
  'ISOLATE_DEVICE',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
];

export const PLAN_FEATURES: Readonly<Record<Plan, PlanFeatures>> = {
  PLAN_1: {
    manualActions: BASIC_MANUAL_ACTIONS,
    customDeviceGroups: true,
    forcedAutomationLevel: null,
    // PLAN_1 has the manual isolation but not the automatic one (as Defender's Plan 1).
    attackDisruption: false,
  },
  PLAN_2: {
    manualActions: MANUAL_ACTION_TYPES,
    customDeviceGroups: true,
    forcedAutomationLevel: null,
    attackDisruption: true,
  },
  BUSINESS: {
    manualActions: BASIC_MANUAL_ACTIONS,
    customDeviceGroups: false,
    forcedAutomationLevel: 'FULL',
    attackDisruption: true,
  },
};

function planFeatures(plan: Plan): PlanFeatures {
  if (!Object.hasOwn(PLAN_FEATURES, plan)) throw new TypeError(`unknown plan: ${String(plan)}`);
  return PLAN_FEATURES[plan];
}

export type ManualActionPermission =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** PLAN_LIMIT: the tenant's plan does not include it; NOT_MANUAL_ACTION: it is not a manual action at all. */
      readonly code: 'PLAN_LIMIT' | 'NOT_MANUAL_ACTION';
      /** The plans that include the action (empty for NOT_MANUAL_ACTION). */
      readonly includedIn: ReadonlyArray<Plan>;
      readonly message: string;
    };

const ALLOWED: ManualActionPermission = Object.freeze({ allowed: true });

export function listWords(words: ReadonlyArray<string>): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

/** The plans whose features include a manual action type. */
export function plansIncluding(type: RemediationActionType): ReadonlyArray<Plan> {
  return PLANS.filter((plan) =>
    (PLAN_FEATURES[plan].manualActions as ReadonlyArray<RemediationActionType>).includes(type),
  );
}

/**
 * May a tenant on `plan` take the manual action `type`? A refusal says which plans include it:
 * "RESTRICT_CODE_EXECUTION is not included in PLAN_1; it is included in PLAN_2."
 */
export function checkManualActionAllowed(
  plan: Plan,
  type: RemediationActionType,
): ManualActionPermission {
  const features = planFeatures(plan);
  if (!isManualActionType(type)) {
    return {
      allowed: false,
      code: 'NOT_MANUAL_ACTION',
      includedIn: [],
      message: `${type} is not a manual response action; the manual actions are ${listWords(MANUAL_ACTION_TYPES)}.`,
    };
  }
  if (features.manualActions.includes(type)) return ALLOWED;
  const includedIn = plansIncluding(type);
  return {
    allowed: false,
    code: 'PLAN_LIMIT',
    includedIn,
    message: `${type} is not included in ${plan}; it is included in ${listWords(includedIn)}.`,
  };
}

/** The plans that include automatic attack disruption (SPEC §7.3). */
export function plansWithAttackDisruption(): ReadonlyArray<Plan> {
  return PLANS.filter((plan) => PLAN_FEATURES[plan].attackDisruption);
}

/** Whether the plan includes automatic attack disruption. */
export function planIncludesAttackDisruption(plan: Plan): boolean {
  return planFeatures(plan).attackDisruption;
}

/** Whether the plan allows device groups other than the default one (BUSINESS does not). */
export function planAllowsCustomDeviceGroups(plan: Plan): boolean {
  return planFeatures(plan).customDeviceGroups;
}

/** The level a device's decisions use: the group's, except on BUSINESS, where every device is FULL. */
export function effectiveAutomationLevel(plan: Plan, level: AutomationLevel): AutomationLevel {
  return planFeatures(plan).forcedAutomationLevel ?? level;
}

/** The group every tenant starts with and every unmatched device falls into (SPEC §1). */
export const DEFAULT_DEVICE_GROUP = {
  name: 'Ungrouped devices',
  automationLevel: 'FULL',
} as const satisfies {
  name: string;
  automationLevel: AutomationLevel;
};
