import type { Prisma } from '../../db/client.js';
import { builder } from '../builder.js';
import { idOf } from '../ids.js';
import {
  ActionSourceEnum,
  RemediationActionStatusEnum,
  RemediationActionTypeEnum,
} from './enums.js';

/** The Pending and History tabs' filter (SPEC §3.7). Ids are the API's global ids. */
export const RemediationActionFilter = builder.inputType('RemediationActionFilter', {
  fields: (t) => ({
    statuses: t.field({ type: [RemediationActionStatusEnum] }),
    types: t.field({ type: [RemediationActionTypeEnum] }),
    sources: t.field({ type: [ActionSourceEnum] }),
    deviceGroupIds: t.globalIDList(),
    deviceIds: t.globalIDList(),
    incidentIds: t.globalIDList(),
    createdAfter: t.field({ type: 'DateTime' }),
    createdBefore: t.field({ type: 'DateTime' }),
  }),
});

type FilterValue = typeof RemediationActionFilter.$inferInput;

/** The raw ids of global ids of one type; an id of another type is refused, naming the field. */
function idsOf(field: string, typename: string, list: readonly { typename: string; id: string }[]) {
  return { in: list.map((globalId) => idOf(`filter.${field}`, typename, globalId)) };
}

/** Prisma where for the filter; combined with the caller's scope by the resolver. */
export function remediationActionWhere(
  filter: FilterValue | null | undefined,
): Prisma.RemediationActionWhereInput {
  if (!filter) return {};
  return {
    ...(filter.statuses ? { status: { in: filter.statuses } } : {}),
    ...(filter.types ? { type: { in: filter.types } } : {}),
    ...(filter.sources ? { source: { in: filter.sources } } : {}),
    ...(filter.deviceGroupIds
      ? { deviceGroupId: idsOf('deviceGroupIds', 'DeviceGroup', filter.deviceGroupIds) }
      : {}),
    ...(filter.deviceIds ? { deviceId: idsOf('deviceIds', 'Device', filter.deviceIds) } : {}),
    ...(filter.incidentIds
      ? { incidentId: idsOf('incidentIds', 'Incident', filter.incidentIds) }
      : {}),
    ...(filter.createdAfter || filter.createdBefore
      ? {
          createdAt: {
            ...(filter.createdAfter ? { gte: filter.createdAfter } : {}),
            ...(filter.createdBefore ? { lt: filter.createdBefore } : {}),
          },
        }
      : {}),
  };
}
