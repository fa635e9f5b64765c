import type { RemediationActionStatus, RemediationActionType } from '../generated/prisma/enums.js';
import type { LoggedEvent } from './event-log.js';

/** What a subscriber wants and may see, decided once at subscribe time. `null` = no restriction. */
export interface EventCriteria {
  statuses: ReadonlySet<RemediationActionStatus> | null;
  /** Already the intersection of the filter's groups and the groups the token may read. */
  deviceGroupIds: ReadonlySet<string> | null;
  types: ReadonlySet<RemediationActionType> | null;
  incidentId: string | null;
}

/** An in-memory test run on every event for every live subscriber: no database work. */
export function eventMatcher(criteria: EventCriteria): (event: LoggedEvent) => boolean {
  const { statuses, deviceGroupIds, types, incidentId } = criteria;
  return (event) =>
    (statuses === null || statuses.has(event.status)) &&
    (deviceGroupIds === null || deviceGroupIds.has(event.deviceGroupId)) &&
    (types === null || types.has(event.actionType)) &&
    (incidentId === null || event.incidentId === incidentId);
}
