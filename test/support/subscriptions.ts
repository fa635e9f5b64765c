import type { Client } from 'graphql-ws';
import { decodeCursor } from '../../src/events/cursor.js';
import type { TestServer } from './server.js';

export interface Received<T> {
  data: T[];
  errors: unknown[];
  completed: boolean;
}

/**
 * Polls until `check` holds; fails with `what` after `timeoutMs`. Measured on the monotonic clock,
 * so a test that fakes `Date` (token expiry) still times out.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  // A deadline, not a pause: it ends as soon as the check holds. Generous, because three test
  // files share two cores and a subscriber may take seconds to go live under that load.
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A graphql-ws subscription that records what it receives. */
export function collect<T = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const received: Received<T> = { data: [], errors: [], completed: false };
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) received.errors.push(...result.errors);
        if (result.data) received.data.push(result.data as T);
      },
      // graphql-ws hands operation errors as an array, a closed socket as one close event.
      error: (error) => received.errors.push(...(Array.isArray(error) ? error : [error])),
      complete: () => (received.completed = true),
    },
  );
  return {
    received,
    stop,
    /** Resolves once `count` payloads arrived. */
    async untilCount(count: number, timeoutMs = 5_000): Promise<T[]> {
      await waitFor(
        () => received.data.length >= count || received.errors.length > 0,
        `${count} events`,
        timeoutMs,
      );
      if (received.errors.length)
        throw new Error(`subscription errors: ${JSON.stringify(received.errors)}`);
      return received.data;
    },
    async untilError(timeoutMs = 5_000): Promise<unknown[]> {
      await waitFor(() => received.errors.length > 0, 'a subscription error', timeoutMs);
      return received.errors;
    },
  };
}

/** The log ids behind a list of cursors. */
export function idsOf(cursors: readonly string[]): bigint[] {
  return cursors.map((c) => {
    const id = decodeCursor(c);
    if (id === null) throw new Error(`not a cursor: ${c}`);
    return id;
  });
}

/**
 * A GraphQL-over-SSE subscription (yoga's, with the normal Authorization header). `accept`
 * defaults to `text/event-stream`; yoga streams for any Accept that admits it (null: no header).
 */
export function sseSubscribe<T = Record<string, any>>(
  graphqlUrl: string,
  bearer: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  options: { accept?: string | null } = {},
) {
  const received: Received<T> & {
    status: number | null;
    contentType: string | null;
    ended: boolean;
  } = {
    data: [],
    errors: [],
    completed: false,
    status: null,
    contentType: null,
    ended: false,
  };
  const accept = options.accept === undefined ? 'text/event-stream' : options.accept;
  const abort = new AbortController();
  const done = (async () => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      signal: abort.signal,
      headers: {
        ...(accept === null ? {} : { accept }),
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    received.status = response.status;
    received.contentType = response.headers.get('content-type');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (event === 'complete') received.completed = true;
        else if (data) {
          const payload = JSON.parse(data) as { data?: T; errors?: unknown[] };
          if (payload.errors) received.errors.push(...payload.errors);
          if (payload.data) received.data.push(payload.data);
        }
      }
    }
  })()
    .catch((error: unknown) => {
      if (!abort.signal.aborted) received.errors.push(error);
    })
    .finally(() => (received.ended = true));
  return {
    received,
    done,
    stop: () => abort.abort(),
    async untilCount(count: number, timeoutMs = 5_000): Promise<T[]> {
      await waitFor(
        () => received.data.length >= count || received.errors.length > 0 || received.ended,
        `${count} SSE events`,
        timeoutMs,
      );
      if (received.errors.length) throw new Error(`SSE errors: ${JSON.stringify(received.errors)}`);
      return received.data;
    },
  };
}

/**
 * graphql-ws clients of one test server, disposed of after each test (`disposeAll` in afterEach).
 * `server` is read lazily: tests start it in beforeAll.
 */
export function subscribers(server: () => TestServer) {
  const open: { dispose(): void | Promise<void> }[] = [];
  return {
    /** Disposes of `client` with the others after the test. */
    track<C extends { dispose(): void | Promise<void> }>(client: C): C {
      open.push(client);
      return client;
    },
    /** A client with a token of these claims (tenant-a, every group, viewer by default). */
    async client(claims: Parameters<TestServer['token']>[0] = {}): Promise<Client> {
      const c = server().wsClient({ authorization: `Bearer ${await server().token(claims)}` });
      open.push(c);
      return c;
    },
    /** No ack exists in the protocol for "subscribed"; the server's own count is the reliable signal. */
    live: (count: number, tenant = 'tenant-a') =>
      waitFor(
        () => server().streams.stats(tenant).liveSubscribers === count,
        `${count} live subscribers of ${tenant}`,
      ),
    async disposeAll() {
      await Promise.all(open.splice(0).map((c) => c.dispose()));
    },
  };
}
