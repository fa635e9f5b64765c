// The Pending tab's live feed, as the API asks a dashboard to do it (SPEC §4): the caller reads
// `actionStreamCursor` before loading the tab and passes it here; both streams start from it and
// each remembers the cursor of the last event it saw. When the socket drops, each resubscribes
// with `after:` that cursor, so whatever happened meanwhile is delivered, once.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type Client, createClient } from 'graphql-ws';
import {
  type ActionStreamFilter,
  type PageActionRowFragment,
  PageActionUpdatedDocument,
  PagePendingActionAddedDocument,
  type RemediationActionStatus,
} from '../../client/generated/graphql.js';
import { queryText } from './api.js';

export type ConnectionState = 'connecting' | 'live' | 'down';

export interface LiveHandlers {
  added(row: PageActionRowFragment): void;
  changed(id: string, status: RemediationActionStatus): void;
  connection(state: ConnectionState): void;
  /** The server closed the socket over the token (expired or refused). */
  signInRequired(reason: string): void;
}

interface CloseLike {
  code?: number;
  reason?: string;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

function socketUrl(): string {
  const url = new URL('/graphql', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Subscribes and, after any drop, subscribes again from the last cursor it saw. */
function resumable<Result>(
  client: Client,
  document: TypedDocumentNode<Result, { filter: ActionStreamFilter; after: string }>,
  start: { filter: ActionStreamFilter; after: string },
  onEvent: (result: Result) => string,
  handlers: LiveHandlers,
): () => void {
  let after = start.after;
  let stopped = false;
  let retryMs = RETRY_FIRST_MS;
  let unsubscribe = (): void => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = (error: unknown) => {
    if (stopped) return;
    const close = error as CloseLike;
    if (close.code === 4401 || close.code === 4403) {
      handlers.signInRequired(close.reason || 'The server refused the access token.');
      return;
    }
    handlers.connection('down');
    timer = setTimeout(subscribe, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
  function subscribe() {
    unsubscribe = client.subscribe<Result>(
      { query: queryText(document), variables: { filter: start.filter, after } },
      {
        next: (message) => {
          retryMs = RETRY_FIRST_MS;
          if (message.data) after = onEvent(message.data);
        },
        error: failed,
        // The server completes a stream only when it shuts down: treat it as a drop.
        complete: () => failed({}),
      },
    );
  }
  subscribe();
  return () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
  };
}

/** Follows pending arrivals and status changes from `after`; returns the function that stops. */
export function followActions(
  token: string,
  filter: ActionStreamFilter,
  after: string,
  handlers: LiveHandlers,
): () => void {
  const client = createClient({
    url: socketUrl(),
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    // Retries are ours (above), so that each resubscription carries its latest cursor.
    retryAttempts: 0,
    on: { connected: () => handlers.connection('live') },
  });
  handlers.connection('connecting');
  const start = { filter, after };
  const stops = [
    resumable(
      client,
      PagePendingActionAddedDocument,
      start,
      (data) => {
        handlers.added(data.pendingActionAdded.action);
        return data.pendingActionAdded.cursor;
      },
      handlers,
    ),
    resumable(
      client,
      PageActionUpdatedDocument,
      start,
      (data) => {
        const event = data.remediationActionUpdated;
        handlers.changed(event.action.id, event.status);
        return event.cursor;
      },
      handlers,
    ),
  ];
  return () => {
    for (const stop of stops) stop();
    void client.dispose();
  };
}
