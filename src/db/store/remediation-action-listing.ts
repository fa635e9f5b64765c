import type {
  ActionSource,
  RemediationActionStatus,
  RemediationActionType,
} from '../../generated/prisma/enums.js';
import type { Prisma, PrismaClient } from '../client.js';

/**
 * The action center's filter (SPEC §3.7) with raw database ids: the GraphQL argument and the CSV
 * export's query parameters both come down to this, so both select exactly the same rows.
 */
export interface RemediationActionListFilter {
  statuses?: readonly RemediationActionStatus[] | null;
  types?: readonly RemediationActionType[] | null;
  sources?: readonly ActionSource[] | null;
  deviceGroupIds?: readonly string[] | null;
  deviceIds?: readonly string[] | null;
  incidentIds?: readonly string[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

/** Newest first, as the action center's tabs show them; id breaks ties so the order is total. */
export const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

const listIn = <T>(values: readonly T[] | null | undefined) => (values ? { in: [...values] } : {});

/** Prisma where for the filter; the caller combines it with the reader's scope. */
export function remediationActionFilterWhere(
  filter: RemediationActionListFilter | null | undefined,
): Prisma.RemediationActionWhereInput {
  if (!filter) return {};
  const created = {
    ...(filter.createdAfter ? { gte: filter.createdAfter } : {}),
    ...(filter.createdBefore ? { lt: filter.createdBefore } : {}),
  };
  return {
    ...(filter.statuses ? { status: listIn(filter.statuses) } : {}),
    ...(filter.types ? { type: listIn(filter.types) } : {}),
    ...(filter.sources ? { source: listIn(filter.sources) } : {}),
    ...(filter.deviceGroupIds ? { deviceGroupId: listIn(filter.deviceGroupIds) } : {}),
    ...(filter.deviceIds ? { deviceId: listIn(filter.deviceIds) } : {}),
    ...(filter.incidentIds ? { incidentId: listIn(filter.incidentIds) } : {}),
    ...(Object.keys(created).length > 0 ? { createdAt: created } : {}),
  };
}

/** What one exported row carries: the action and the names a person reads beside it. */
const exportedColumns = {
  id: true,
  type: true,
  source: true,
  status: true,
  decision: true,
  explanation: true,
  createdAt: true,
  expiresAt: true,
  requestedBy: true,
  comment: true,
  decidedBy: true,
  decidedAt: true,
  decisionComment: true,
  completedAt: true,
  failureReason: true,
  undoable: true,
  undoneBy: true,
  undoneAt: true,
  undoFailure: true,
  sha256: true,
  deviceId: true,
  deviceGroupId: true,
  incidentId: true,
  evidenceId: true,
  device: { select: { hostname: true } },
  deviceGroup: { select: { name: true } },
  incident: { select: { title: true } },
  evidence: { select: { kind: true, path: true } },
} satisfies Prisma.RemediationActionSelect;

export type ListedRemediationAction = Prisma.RemediationActionGetPayload<{
  select: typeof exportedColumns;
}>;

/** Rows strictly after `last` in newest-first order: the keyset of the next batch. */
function olderThan(last: { createdAt: Date; id: string }): Prisma.RemediationActionWhereInput {
  return {
    OR: [{ createdAt: { lt: last.createdAt } }, { createdAt: last.createdAt, id: { lt: last.id } }],
  };
}

/**
 * Every action matching `where`, newest first, read in keyset batches of `batchSize`: memory
 * stays at one batch however many rows match, and each batch is an indexed range scan (no
 * OFFSET). A consumer that stops iterating stops the reads.
 */
export async function* remediationActionsNewestFirst(
  prisma: PrismaClient,
  where: Prisma.RemediationActionWhereInput,
  batchSize = 1000,
): AsyncGenerator<ListedRemediationAction> {
  let last: ListedRemediationAction | undefined;
  for (;;) {
    const batch: ListedRemediationAction[] = await prisma.remediationAction.findMany({
      where: last ? { AND: [where, olderThan(last)] } : where,
      orderBy: newestFirst,
      take: batchSize,
      select: exportedColumns,
    });
    yield* batch;
    if (batch.length < batchSize) return;
    last = batch[batch.length - 1];
  }
}
