import type { Identity } from '../../auth/identity.js';
import { encodeGlobalID } from '../global-id.js';

// The group a remediation action was decided under (SPEC §7.1), recorded when it was created and
// never rewritten, so it survives the device moving and the group being deleted. The action is
// scoped by its device's current group (`deviceGroup`); the decision-time group is shown only to
// a caller whose token covers it, so an action that moved in from a group the caller cannot see
// does not reveal that group's name.

interface DecisionGroup {
  decisionDeviceGroupId: string;
  decisionDeviceGroupName: string;
}

function mayReadGroupNamed(identity: Identity, name: string): boolean {
  return identity.groups === 'all' || identity.groups.includes(name);
}

/** The decision-time group's global id, or null when the token does not cover it. */
export function decisionGroupIdShown(identity: Identity, action: DecisionGroup): string | null {
  return mayReadGroupNamed(identity, action.decisionDeviceGroupName)
    ? encodeGlobalID('DeviceGroup', action.decisionDeviceGroupId)
    : null;
}

/** The decision-time group's name, or null when the token does not cover it. */
export function decisionGroupNameShown(identity: Identity, action: DecisionGroup): string | null {
  return mayReadGroupNamed(identity, action.decisionDeviceGroupName)
    ? action.decisionDeviceGroupName
    : null;
}
