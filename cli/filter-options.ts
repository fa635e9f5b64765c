import type { Command } from 'commander';
import type { RemediationActionFilter } from '../client/generated/graphql.js';

/** The RemediationActionFilter's fields as flags (kebab-case), shared by export and decisions. */
export interface FilterFlags {
  statuses?: string;
  types?: string;
  sources?: string;
  deviceGroupIds?: string;
  deviceIds?: string;
  incidentIds?: string;
  createdAfter?: string;
  createdBefore?: string;
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--statuses <list>', 'comma-separated statuses, e.g. PENDING_APPROVAL,COMPLETED')
    .option('--types <list>', 'comma-separated action types, e.g. QUARANTINE_FILE')
    .option('--sources <list>', 'comma-separated sources: AUTOMATED_INVESTIGATION,MANUAL,ANTIVIRUS')
    .option('--device-group-ids <list>', 'comma-separated device group ids')
    .option('--device-ids <list>', 'comma-separated device ids')
    .option('--incident-ids <list>', 'comma-separated incident ids')
    .option('--created-after <time>', 'ISO 8601 time (inclusive)')
    .option('--created-before <time>', 'ISO 8601 time (exclusive)');
}

const FILTER_KEYS = [
  'statuses',
  'types',
  'sources',
  'deviceGroupIds',
  'deviceIds',
  'incidentIds',
  'createdAfter',
  'createdBefore',
] as const;

/** The flags as the export's query parameters: the same names, lists as given (comma-separated). */
export function exportParams(flags: FilterFlags): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = flags[key];
    if (value !== undefined) params.set(key, value);
  }
  return params;
}

const list = (value: string | undefined) =>
  value === undefined ? undefined : value.split(',').map((part) => part.trim());

/** The flags as the GraphQL filter; the server validates every value and names a bad one. */
export function graphqlFilter(flags: FilterFlags): RemediationActionFilter {
  return {
    statuses: list(flags.statuses) as RemediationActionFilter['statuses'],
    types: list(flags.types) as RemediationActionFilter['types'],
    sources: list(flags.sources) as RemediationActionFilter['sources'],
    deviceGroupIds: list(flags.deviceGroupIds),
    deviceIds: list(flags.deviceIds),
    incidentIds: list(flags.incidentIds),
    createdAfter: flags.createdAfter,
    createdBefore: flags.createdBefore,
  };
}
