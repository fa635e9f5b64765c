import {
  CliActionTargetsDocument,
  type CliActionTargetsQuery,
  type RemediationActionFilter,
} from '../client/generated/graphql.js';
import type { ApiClient } from './api-client.js';

export type Target = NonNullable<
  CliActionTargetsQuery['remediationActions']['edges'][number]
>['node'];

/**
 * Every action the filter selects, newest first, read to the end before anything is decided:
 * deciding changes statuses, and paging a list while it changes would skip rows.
 */
export async function collectTargets(
  api: ApiClient,
  filter: RemediationActionFilter,
): Promise<Target[]> {
  const targets: Target[] = [];
  let after: string | null = null;
  for (;;) {
    const page: CliActionTargetsQuery = await api.requestWithRetry(CliActionTargetsDocument, {
      first: 100,
      after,
      filter,
    });
    for (const edge of page.remediationActions.edges) if (edge) targets.push(edge.node);
    if (!page.remediationActions.pageInfo.hasNextPage) return targets;
    after = page.remediationActions.pageInfo.endCursor ?? null;
  }
}

export function describeTarget(target: Target): string {
  return [
    target.id,
    target.type,
    target.status,
    target.device.hostname,
    `(${target.deviceGroup.name})`,
    target.createdAt,
  ].join('  ');
}
