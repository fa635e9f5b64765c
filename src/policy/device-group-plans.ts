import { planAllowsCustomDeviceGroups } from './plans.js';
import { PLANS, type Plan } from './vocabulary.js';

/** The plans that include custom device groups (SPEC §2.5), for a PLAN_LIMIT refusal. */
export const PLANS_WITH_CUSTOM_DEVICE_GROUPS: ReadonlyArray<Plan> = PLANS.filter(
  planAllowsCustomDeviceGroups,
);

/** The refusal message of a custom group on a plan without them. */
export function customDeviceGroupRefusal(plan: Plan): string {
  const names = PLANS_WITH_CUSTOM_DEVICE_GROUPS;
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `The ${plan} plan has no custom device groups; ${list} include${names.length > 1 ? '' : 's'} them.`;
}
