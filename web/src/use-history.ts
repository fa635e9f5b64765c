// The History tab's rows: loaded page by page, newest first, again whenever the filters change
// or the caller asks (after an undo, or on Refresh).
import { useEffect, useState } from 'preact/hooks';
import { type PageActionRowFragment, PageActionsDocument } from '../../client/generated/graphql.js';
import { request } from './api.js';
import { apiFilter, type Filters } from './filters.js';
import { useSignInGuard } from './guard.js';

const PAGE_SIZE = 50;

export function useHistory(
  token: string,
  filters: Filters,
  onSignOut: (reason: string | null) => void,
) {
  const [rows, setRows] = useState<PageActionRowFragment[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const guard = useSignInGuard(onSignOut);

  const load = async (after: string | null, keep: PageActionRowFragment[]) => {
    const filter = apiFilter(filters, 'history');
    const data = await request(PageActionsDocument, { first: PAGE_SIZE, after, filter }, token);
    const page = data.remediationActions;
    setRows([...keep, ...page.edges.map((edge) => edge.node)]);
    setNext(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
    setTotal(page.totalCount);
    setError(null);
  };

  useEffect(() => {
    load(null, []).catch((failure: unknown) => setError(guard(failure)));
  }, [
    token,
    generation,
    filters.type,
    filters.deviceGroupId,
    filters.windowHours,
    filters.status,
    filters.source,
  ]);

  return {
    rows,
    total,
    error,
    hasMore: next !== null,
    loadMore: () => load(next, rows).catch((failure: unknown) => setError(guard(failure))),
    reload: () => setGeneration((n) => n + 1),
  };
}
