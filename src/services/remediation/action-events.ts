import type { ActionStatusChange } from '../../events/append.js';
import type {
  RemediationActionStatus,
  RemediationActionType,
} from '../../generated/prisma/enums.js';

/** The stream event of an action's status change (SPEC §4). */
export function statusChangeOf(
  tenantId: string,
  action: {
    id: string;
    deviceGroupId: string;
    deviceId: string;
    incidentId?: string | null;
    type: RemediationActionType;
  },
  previousStatus: RemediationActionStatus | null,
  status: RemediationActionStatus,
): ActionStatusChange {
  return {
    tenantId,
    actionId: action.id,
    deviceGroupId: action.deviceGroupId,
    deviceId: action.deviceId,
    incidentId: action.incidentId ?? null,
    actionType: action.type,
    previousStatus,
    status,
  };
}
