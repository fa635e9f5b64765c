import type { Prisma } from '../../db/client.js';
import { remediationActionFilterWhere } from '../../db/store/remediation-action-listing.js';
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

type GlobalIds = readonly { typename: string; id: string }[];

/** The raw ids of global ids of one type; an id of another type is refused, naming the field. */
function idsOf(field: string, typename: string, list: GlobalIds) {
  return list.map((globalId) => idOf(`filter.${field}`, typename, globalId));
}

/** Prisma where for the filter (the store's, shared with the CSV export); scope is the resolver's. */
export function remediationActionWhere(
  filter: FilterValue | null | undefined,
): Prisma.RemediationActionWhereInput {
  if (!filter) return {};
  const decoded = (field: string, typename: string, list?: GlobalIds | null) =>
    list ? idsOf(field, typename, list) : null;
  return remediationActionFilterWhere({
    statuses: filter.statuses,
    types: filter.types,
    sources: filter.sources,
    deviceGroupIds: decoded('deviceGroupIds', 'DeviceGroup', filter.deviceGroupIds),
    deviceIds: decoded('deviceIds', 'Device', filter.deviceIds),
    incidentIds: decoded('incidentIds', 'Incident', filter.incidentIds),
    createdAfter: filter.createdAfter,
    createdBefore: filter.createdBefore,
  });
}
