// A GraphQL-over-SSE subscriber that stops reading its response, among fast ones: over SSE too a
// subscription runs on its sharing group's loop, so the fast ones get every event while it reads
// nothing, its subscription ends (the response is ended without `complete`, which SSE clients
// retry) once it has stayed over the bound for the grace period, and a new request with its last
// cursor brings exactly what it had not received.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/events/cursor.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  type DeviceRef,
  loggedIds,
  streamWriter,
  writeLargePendingActions,
} from '../support/stream-writer.js';
import { idsOf, sseSubscribe, waitFor } from '../support/subscriptions.js';

const TENANT = 'tenant-slow-sse';
// ~800 KB per event: a few fill the kernel's socket buffers of a client that does not read.
const EXPLANATION_BYTES = 32 * 1024;
const FIELDS = Array.from({ length: 25 }, (_, i) => `e${i}: explanation`).join(' ');
const QUERY = `subscription($after: String) { remediationActionUpdated(after: $after) { cursor action { id ${FIELDS} } } }`;
type Event = { remediationActionUpdated: { cursor: string } };

let server: TestServer;
let device: DeviceRef;

beforeAll(async () => {
  server = await startTestServer({
    slowConsumers: { maxBufferedBytes: 64 * 1024, slowConsumerGraceMs: 2_000 },
  });
  const world = fixtures(server.prisma, TENANT);
  await world.tenant();
  device = await world.device((await world.group('Slow SSE')).id);
}, 30_000);
afterAll(() => server?.close());

/** `count` pending actions with a large explanation, each committed with its event. */
const writeLargeEvents = (count: number) =>
  writeLargePendingActions(server.prisma, TENANT, device, count, EXPLANATION_BYTES);

/**
 * An SSE subscription on node:http whose reading can be stopped: the cursors it has received,
 * and whether its response ended (with or without `complete`).
 */
function pausableSse(token: string, after: string) {
  const state = { cursors: [] as string[], ended: false, completed: false };
  let response: import('node:http').IncomingMessage | null = null;
  let buffer = '';
  const req = request(server.graphqlUrl, {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
  });
  req.on('error', () => (state.ended = true));
  req.on('response', (res) => {
    response = res;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (/^event: complete$/m.test(message)) state.completed = true;
        const data = /^data: (.+)$/m.exec(message)?.[1];
        const event = data ? (JSON.parse(data) as { data: Event }).data : null;
        if (event) state.cursors.push(event.remediationActionUpdated.cursor);
      }
    });
    res.on('close', () => (state.ended = true));
  });
  req.end(JSON.stringify({ query: QUERY, variables: { after } }));
  return {
    state,
    // Past its buffer, node:http stops reading the socket: the server's writes back up.
    pause: () => response?.pause(),
    resume: () => response?.resume(),
  };
}

describe('an SSE subscriber that stops reading', () => {
  it('is ended after a bounded backlog while fast ones get everything, and resumes from its cursor with nothing lost', async () => {
    const token = await server.token({ tid: TENANT });
    const start = (await loggedIds(server.prisma, TENANT)).at(-1) ?? 0n;
    const after = encodeCursor(start);
    const fast = [1, 2].map(() => sseSubscribe<Event>(server.graphqlUrl, token, QUERY, { after }));
    const stalled = pausableSse(token, after);
    await waitFor(() => server.streams.stats(TENANT).liveSubscribers === 3, '3 live subscribers');

    // A first event reaches everyone: the stalled client has a cursor to resume from.
    await streamWriter(server.prisma, TENANT).pendingAction(device);
    await waitFor(() => stalled.state.cursors.length === 1, 'the first event');
    stalled.pause(); // reads nothing more

    const count = 20;
    await writeLargeEvents(count);
    const expected = await loggedIds(server.prisma, TENANT, start);
    expect(expected).toHaveLength(count + 1);
    for (const f of fast) {
      const events = await f.untilCount(count + 1, 30_000);
      expect(idsOf(events.map((e) => e.remediationActionUpdated.cursor))).toEqual(expected);
    }
    // Its subscription ends while its client still reads nothing: the server let it go.
    await waitFor(
      () => server.streams.stats(TENANT).subscribers === 2,
      'the stalled subscription to end',
      20_000,
    );
    stalled.resume();
    await waitFor(() => stalled.state.ended, 'the stalled response to end', 60_000);
    expect(stalled.state.completed).toBe(false); // not `complete`: a client retries

    // It resumes with the last cursor it received: exactly the rest, once, in order.
    const seen = stalled.state.cursors;
    const resumed = sseSubscribe<Event>(server.graphqlUrl, token, QUERY, { after: seen.at(-1) });
    const rest = await resumed.untilCount(expected.length - seen.length, 30_000);
    expect(idsOf([...seen, ...rest.map((e) => e.remediationActionUpdated.cursor)])).toEqual(
      expected,
    );
    for (const f of [...fast, resumed]) f.stop();
  }, 180_000);
});
