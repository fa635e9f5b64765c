// The filters shared by the tabs and the export, and their form in each API.
import type {
  ActionSource,
  ActionStreamFilter,
  RemediationActionFilter,
  RemediationActionStatus,
  RemediationActionType,
} from '../../client/generated/graphql.js';

export interface Filters {
  type: RemediationActionType | '';
  deviceGroupId: string;
  /** Hours back from now; 0 for any time. */
  windowHours: number;
  status: RemediationActionStatus | '';
  source: ActionSource | '';
}

export const NO_FILTERS: Filters = {
  type: '',
  deviceGroupId: '',
  windowHours: 0,
  status: '',
  source: '',
};

export const ACTION_TYPES: RemediationActionType[] = [
  'QUARANTINE_FILE',
  'KILL_PROCESS',
  'REMOVE_REGISTRY_KEY',
  'STOP_SERVICE',
  'DISABLE_DRIVER',
  'REMOVE_SCHEDULED_TASK',
  'ISOLATE_DEVICE',
  'RESTRICT_CODE_EXECUTION',
  'RUN_ANTIVIRUS_SCAN',
  'COLLECT_INVESTIGATION_PACKAGE',
  'INITIATE_INVESTIGATION',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
];

/** Every status an action can have once it has left Pending (the History tab's own set). */
export const HISTORY_STATUSES: RemediationActionStatus[] = [
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'REJECTED',
  'EXPIRED',
  'CANCELLED',
  'UNDO_IN_PROGRESS',
  'UNDONE',
];

export const SOURCES: ActionSource[] = ['AUTOMATED_INVESTIGATION', 'MANUAL', 'ANTIVIRUS'];

export const TIME_WINDOWS = [
  { hours: 0, label: 'Any time' },
  { hours: 1, label: 'Last hour' },
  { hours: 24, label: 'Last 24 hours' },
  { hours: 24 * 7, label: 'Last 7 days' },
  { hours: 24 * 30, label: 'Last 30 days' },
];

type Tab = 'pending' | 'history';

/** The query filter of a tab: Pending is PENDING_APPROVAL; History is every other status. */
export function apiFilter(filters: Filters, tab: Tab, now = Date.now()): RemediationActionFilter {
  const statuses: RemediationActionStatus[] =
    tab === 'pending' ? ['PENDING_APPROVAL'] : filters.status ? [filters.status] : HISTORY_STATUSES;
  return {
    statuses,
    ...(filters.type ? { types: [filters.type] } : {}),
    ...(filters.deviceGroupId ? { deviceGroupIds: [filters.deviceGroupId] } : {}),
    ...(tab === 'history' && filters.source ? { sources: [filters.source] } : {}),
    ...(filters.windowHours
      ? { createdAfter: new Date(now - filters.windowHours * 3_600_000).toISOString() }
      : {}),
  };
}

export function streamFilter(filters: Filters): ActionStreamFilter {
  return {
    ...(filters.type ? { types: [filters.type] } : {}),
    ...(filters.deviceGroupId ? { deviceGroupIds: [filters.deviceGroupId] } : {}),
  };
}

/** SPEC §8: the export's query parameters are named like RemediationActionFilter's fields. */
export function exportParameters(filter: RemediationActionFilter): URLSearchParams {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    parameters.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return parameters;
}
