import { hasRole, type Identity } from '../auth/identity.js';
import { visibleActions } from '../auth/scope.js';
import type { PrismaClient } from '../db/client.js';
import {
  type ListedRemediationAction,
  type RemediationActionListFilter,
  remediationActionFilterWhere,
  remediationActionsNewestFirst,
} from '../db/store/remediation-action-listing.js';
import { DomainError } from './kernel/errors.js';

export type { ListedRemediationAction, RemediationActionListFilter };

export interface ExportOptions {
  /** Rows per database read; memory holds one batch (default 1,000). */
  batchSize?: number;
}

/**
 * The CSV export's rows (SPEC §3.7, §8): every action the filter selects, newest first, within
 * the reader's tenant and device groups — the very where of the GraphQL `remediationActions`
 * (its scope and the store's filter), so the file and the API can never disagree.
 */
export function exportRemediationActions(
  prisma: PrismaClient,
  identity: Identity,
  filter: RemediationActionListFilter,
  options: ExportOptions = {},
): AsyncGenerator<ListedRemediationAction> {
  if (!hasRole(identity, 'viewer')) {
    throw new DomainError('FORBIDDEN', 'Exporting actions needs the viewer role.');
  }
  const where = { AND: [visibleActions(identity), remediationActionFilterWhere(filter)] };
  return remediationActionsNewestFirst(prisma, where, options.batchSize);
}
