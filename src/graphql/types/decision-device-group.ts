import type { Identity } from '../../auth/identity.js';
import type { builder } from '../builder.js';
import { encodeGlobalID } from '../global-id.js';

// The group a remediation action was decided under (SPEC §7.1), recorded when it was created and
// never rewritten, so it survives the device moving and the group being deleted. The action is
// scoped by its device's current group (`deviceGroup`); the decision-time group is shown only to
// a caller whose token covers it, so an action that moved in from a group the caller cannot see
// does not reveal that group's name.

type ActionFieldBuilder = Parameters<
  NonNullable<Parameters<typeof builder.prismaNode<'RemediationAction'>>[1]['fields']>
>[0];

function mayReadGroupNamed(identity: Identity, name: string): boolean {
  return identity.groups === 'all' || identity.groups.includes(name);
}

export function decisionGroupFields(t: ActionFieldBuilder) {
  return {
    decisionDeviceGroupId: t.id({
      nullable: true,
      description:
        'The device group the action was decided under (it may since have been deleted); null when the token does not cover it.',
      select: { decisionDeviceGroupId: true, decisionDeviceGroupName: true },
      resolve: (action, _args, ctx) =>
        mayReadGroupNamed(ctx.identity, action.decisionDeviceGroupName)
          ? encodeGlobalID('DeviceGroup', action.decisionDeviceGroupId)
          : null,
    }),
    decisionDeviceGroupName: t.string({
      nullable: true,
      description:
        "That group's name when the action was decided; null when the token does not cover it.",
      select: { decisionDeviceGroupName: true },
      resolve: (action, _args, ctx) =>
        mayReadGroupNamed(ctx.identity, action.decisionDeviceGroupName)
          ? action.decisionDeviceGroupName
          : null,
    }),
  };
}
