// The Pending tab's rows, live. Gap-free start (SPEC §4): read `actionStreamCursor` first, then
// load the tab, then follow both streams from that cursor. An event may repeat what the load
// already showed; it never misses what happened after it.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ActionStreamCursorDocument,
  type PageActionRowFragment,
  PageActionsDocument,
  type PageActionsQuery,
  type RemediationActionFilter,
} from '../../client/generated/graphql.js';
import { request } from './api.js';
import { apiFilter, type Filters, streamFilter } from './filters.js';
import { useSignInGuard } from './guard.js';
import { type ConnectionState, followActions } from './live.js';
import type { Session } from './session.js';

const PAGE_SIZE = 100;
const MAX_PAGES = 10;

export interface PendingActions {
  rows: PageActionRowFragment[];
  connection: ConnectionState;
  error: string | null;
  /** More pending actions exist than the tab loaded. */
  truncated: boolean;
  /** Rows decided here leave at once, without waiting for their event. */
  leave(ids: string[]): void;
}

/** Every page of a filter, up to MAX_PAGES; newest first as the API returns them. */
export async function loadActions(
  token: string,
  filter: RemediationActionFilter,
  pages = MAX_PAGES,
) {
  const rows: PageActionRowFragment[] = [];
  let after: string | null = null;
  for (let page = 0; page < pages; page += 1) {
    const data: PageActionsQuery = await request(
      PageActionsDocument,
      { first: PAGE_SIZE, after, filter },
      token,
    );
    rows.push(...data.remediationActions.edges.map((edge) => edge.node));
    after = data.remediationActions.pageInfo.endCursor;
    if (!data.remediationActions.pageInfo.hasNextPage) return { rows, truncated: false, after };
  }
  return { rows, truncated: true, after };
}

const newestFirst = (a: PageActionRowFragment, b: PageActionRowFragment) =>
  b.createdAt.localeCompare(a.createdAt);

export function usePendingActions(
  session: Session,
  filters: Filters,
  onSignOut: (reason: string | null) => void,
): PendingActions {
  const [rows, setRows] = useState<PageActionRowFragment[]>([]);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [truncated, setTruncated] = useState(false);
  const left = useRef(new Set<string>());
  const guard = useSignInGuard(onSignOut);

  const leave = (ids: string[]) => {
    for (const id of ids) left.current.add(id);
    setRows((current) => current.filter((row) => !left.current.has(row.id)));
  };

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    setConnection('connecting');
    (async () => {
      const { actionStreamCursor } = await request(ActionStreamCursorDocument, {}, session.token);
      const loaded = await loadActions(session.token, apiFilter(filters, 'pending'));
      if (cancelled) return;
      setRows(loaded.rows.filter((row) => !left.current.has(row.id)));
      setTruncated(loaded.truncated);
      setError(null);
      stop = followActions(session.token, streamFilter(filters), actionStreamCursor, {
        added: (row) => {
          if (row.status !== 'PENDING_APPROVAL' || left.current.has(row.id)) return;
          setRows((current) =>
            current.some((known) => known.id === row.id)
              ? current
              : [row, ...current].sort(newestFirst),
          );
        },
        changed: (id, status) => {
          if (status !== 'PENDING_APPROVAL') leave([id]);
        },
        connection: setConnection,
        signInRequired: (reason) => onSignOut(reason),
      });
    })().catch((failure: unknown) => setError(guard(failure)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [session.token, filters.type, filters.deviceGroupId, filters.windowHours]);

  return { rows, connection, error, truncated, leave };
}
