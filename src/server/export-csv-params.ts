import { z } from 'zod';
import {
  ActionSource,
  RemediationActionStatus,
  RemediationActionType,
} from '../generated/prisma/enums.js';
import { databaseId } from '../graphql/global-id.js';
import type { RemediationActionListFilter } from '../services/export-remediation-actions.js';
import { DomainError } from '../services/kernel/errors.js';

/** Enough for any real selection; a longer list is a mistake (or an attack on the planner). */
const MAX_LIST = 1000;

const commaList = z
  .string()
  .transform((text) => text.split(',').map((part) => part.trim()))
  .pipe(
    z
      .array(z.string().min(1, 'holds an empty entry'))
      .min(1)
      .max(MAX_LIST, `lists at most ${MAX_LIST} entries`),
  );

const enumList = <T extends string>(values: Record<string, T>) =>
  commaList.pipe(z.array(z.enum(Object.values(values) as [T, ...T[]])));

const isoTime = z.iso
  .datetime({ offset: true, message: 'expects an ISO 8601 time such as 2026-12-01T00:00:00Z' })
  .transform((text) => new Date(text));

/** The query parameters of the export: RemediationActionFilter's fields, by the same names. */
const exportParams = z.strictObject({
  statuses: enumList(RemediationActionStatus).optional(),
  types: enumList(RemediationActionType).optional(),
  sources: enumList(ActionSource).optional(),
  deviceGroupIds: commaList.optional(),
  deviceIds: commaList.optional(),
  incidentIds: commaList.optional(),
  createdAfter: isoTime.optional(),
  createdBefore: isoTime.optional(),
});

/** What each parameter selects (README: generated table); the compiler keeps it to the schema's keys. */
export const EXPORT_PARAMETERS: Record<keyof typeof exportParams.shape, string> = {
  statuses: 'comma-separated `RemediationActionStatus` values, e.g. `PENDING_APPROVAL,COMPLETED`',
  types: 'comma-separated `RemediationActionType` values, e.g. `QUARANTINE_FILE`',
  sources: `comma-separated \`ActionSource\` values: ${Object.values(ActionSource).join(', ')}`,
  deviceGroupIds: 'comma-separated `DeviceGroup` global ids',
  deviceIds: 'comma-separated `Device` global ids',
  incidentIds: 'comma-separated `Incident` global ids',
  createdAfter: 'ISO 8601 time with offset (inclusive), e.g. `2026-12-01T00:00:00Z`',
  createdBefore: 'ISO 8601 time with offset (exclusive)',
};

/** Repeated parameters add to the list, as `?statuses=A&statuses=B` means `statuses=A,B`. */
function paramsObject(search: URLSearchParams): Record<string, string> {
  const params: Record<string, string> = {};
  for (const key of new Set(search.keys())) params[key] = search.getAll(key).join(',');
  return params;
}

function firstIssue(error: z.ZodError): DomainError {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const name = issue.keys[0] ?? '';
    return new DomainError('BAD_USER_INPUT', `${name}: not a filter of this export.`, name);
  }
  const name = String(issue?.path[0] ?? '');
  return new DomainError('BAD_USER_INPUT', `${name}: ${issue?.message ?? 'invalid'}.`, name);
}

/**
 * The export's filter from its query string, ids decoded from the API's global ids; a bad
 * parameter is BAD_USER_INPUT naming it (the route answers 400).
 */
export function exportFilterOf(search: URLSearchParams): RemediationActionListFilter {
  const parsed = exportParams.safeParse(paramsObject(search));
  if (!parsed.success) throw firstIssue(parsed.error);
  const { deviceGroupIds, deviceIds, incidentIds, ...rest } = parsed.data;
  const decode = (field: string, typename: string, ids: string[] | undefined) =>
    ids?.map((id) => databaseId(field, typename, id));
  return {
    ...rest,
    deviceGroupIds: decode('deviceGroupIds', 'DeviceGroup', deviceGroupIds),
    deviceIds: decode('deviceIds', 'Device', deviceIds),
    incidentIds: decode('incidentIds', 'Incident', incidentIds),
  };
}
