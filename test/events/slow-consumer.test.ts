// A WebSocket subscriber that stops reading its socket (a frozen dashboard) among fast ones: the
// fast ones get every event while it reads nothing, the server holds at most its bound (plus the
// message that crossed it) for it and then cuts it with a code graphql-ws clients reconnect on,
// and a resubscription with its last cursor brings exactly what it had not received. Without a
// byte bound, the queue bound alone: it leaves the shared feed, and gets everything once it reads.

import { once } from 'node:events';
import type { Socket } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeCursor } from '../../src/events/cursor.js';
import { SLOW_CONSUMER } from '../../src/server/ws-transport.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  type DeviceRef,
  loggedIds,
  streamWriter,
  writeLargePendingActions,
} from '../support/stream-writer.js';
import { collect, idsOf, subscribers, waitFor } from '../support/subscriptions.js';

const TENANT = 'tenant-slow-cut';
const MAX_BUFFERED = 64 * 1024;
// ~800 KB per event: a few fill the kernel's socket buffers of a client that does not read.
const EXPLANATION_BYTES = 32 * 1024;
const FIELDS = Array.from({ length: 25 }, (_, i) => `e${i}: explanation`).join(' ');
const QUERY = `subscription($after: String) { remediationActionUpdated(after: $after) { cursor action { id ${FIELDS} } } }`;
type Event = { remediationActionUpdated: { cursor: string; action: { id: string } } };
/** graphql-ws clients retry on these; 1006 is what a peer sees when it never read the close frame. */
const RECONNECT_CODES = [SLOW_CONSUMER, 1006];

/** Its sockets, so the test can stop one from reading. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets.push(this);
  }
}

let server: TestServer;
let device: DeviceRef;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer({
    keepAliveMs: 60_000,
    // 2 s: a fast client starved of CPU for a moment on a busy machine is not mistaken for a stalled one.
    slowConsumers: { maxBufferedBytes: MAX_BUFFERED, slowConsumerGraceMs: 2_000 },
  });
  const world = fixtures(server.prisma, TENANT);
  await world.tenant();
  device = await world.device((await world.group('Slow cut')).id);
}, 30_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

async function client(closed?: (code: number) => void): Promise<Client> {
  const token = await server.token({ tid: TENANT });
  const c = createClient({
    url: server.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: TrackedWebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    on: { closed: (event) => closed?.((event as { code: number }).code) },
  });
  clients.push(c);
  return c;
}

/** `count` pending actions with a large explanation, each committed with its event. */
const writeLargeEvents = (count: number) =>
  writeLargePendingActions(server.prisma, TENANT, device, count, EXPLANATION_BYTES);

describe('a WebSocket subscriber that stops reading', () => {
  it('is cut after a bounded backlog while fast ones get everything, and resumes from its cursor with nothing lost', async () => {
    const start = (await loggedIds(server.prisma, TENANT)).at(-1) ?? 0n;
    const after = encodeCursor(start);
    const fast = await Promise.all(
      [1, 2, 3].map(async () => collect<Event>(await client(), QUERY, { after })),
    );
    let closeCode = 0;
    const stalled = collect<Event>(await client((code) => (closeCode = code)), QUERY, { after });
    await waitFor(() => server.streams.stats(TENANT).liveSubscribers === 4, '4 live subscribers');

    // A first event reaches everyone: the stalled client has a cursor to resume from.
    await streamWriter(server.prisma, TENANT).pendingAction(device);
    await stalled.untilCount(1);
    const stalledSocket = sockets.at(-1)!;
    (stalledSocket as unknown as { _socket: Socket })._socket.pause(); // reads nothing more

    const count = 20;
    await writeLargeEvents(count);
    const expected = await loggedIds(server.prisma, TENANT, start);
    expect(expected).toHaveLength(count + 1);
    for (const f of fast) {
      const events = await f.untilCount(count + 1, 30_000);
      expect(idsOf(events.map((e) => e.remediationActionUpdated.cursor))).toEqual(expected);
    }

    await waitFor(
      () => server.wsStats.slowConsumersCut === 1,
      'the stalled client to be cut',
      15_000,
    );
    // What it cost the server: its bound and the one ~800 KB message that crossed it, not the
    // ~16 MB backlog.
    expect(server.wsStats.largestCutBacklogBytes).toBeLessThan(MAX_BUFFERED + 1024 * 1024);
    (stalledSocket as unknown as { _socket: Socket })._socket.resume();
    // It first reads the megabytes its kernel buffers held: slow on a busy machine.
    await waitFor(() => closeCode !== 0, 'the stalled client to see the close', 60_000);
    expect(RECONNECT_CODES).toContain(closeCode);
    await waitFor(
      () => server.streams.stats(TENANT).subscribers === 3,
      'its subscription to end',
      15_000,
    );

    // It resumes with the last cursor it received: exactly the rest, once, in order.
    const seen = stalled.received.data.map((e) => e.remediationActionUpdated.cursor);
    const resumed = collect<Event>(await client(), QUERY, { after: seen.at(-1) });
    const rest = await resumed.untilCount(expected.length - seen.length, 30_000);
    expect(idsOf([...seen, ...rest.map((e) => e.remediationActionUpdated.cursor)])).toEqual(
      expected,
    );
  }, 180_000);
});

describe('a WebSocket subscriber that stops reading, with no byte bound (the queue bound only)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      // Long enough that a client which stops reading is not dropped for missing pongs mid-test.
      keepAliveMs: 60_000,
      streams: { maxQueuedPerSubscriber: 5 },
    });
  });
  afterAll(() => server?.close());
  const subscriptions = subscribers(() => server);
  const { live } = subscriptions;
  afterEach(() => subscriptions.disposeAll());

  it('does not delay, lose or duplicate events for others, holds a bounded backlog for it, and gives it everything once it reads again', async () => {
    const tenant = 'tenant-adv-slow';
    const own = fixtures(server.prisma, tenant);
    await own.tenant();
    const device: DeviceRef = await own.device((await own.group('Slow group')).id);
    const token = await server.token({ tid: tenant });
    // ~800 KB per event: a few events fill the socket buffers of a client that does not read.
    const explanation = 'x'.repeat(32 * 1024);
    const big = Array.from({ length: 25 }, (_, i) => `e${i}: explanation`).join(' ');
    const query = `subscription { remediationActionUpdated { cursor action { id ${big} } } }`;
    type Big = { remediationActionUpdated: { cursor: string; action: Record<string, string> } };

    const fastClient = server.wsClient({ authorization: `Bearer ${token}` });
    subscriptions.track(fastClient);
    const fast = collect<Big>(fastClient, query);
    const socket = new WebSocket(server.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const slow: { id?: string; type: string; payload?: { data?: Big } }[] = [];
    socket.on('message', (data) => slow.push(JSON.parse(String(data))));
    await once(socket, 'open');
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    await waitFor(() => slow.some((m) => m.type === 'connection_ack'), 'connection_ack');
    socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query } }));
    await live(2, tenant);
    const start = (await loggedIds(server.prisma, tenant)).at(-1) ?? 0n;

    (socket as unknown as { _socket: Socket })._socket.pause(); // stops reading the TCP stream
    const count = 40;
    await writeLargePendingActions(server.prisma, tenant, device, count, explanation.length);
    const expected = await loggedIds(server.prisma, tenant, start);
    expect(expected).toHaveLength(count);
    const fastEvents = await fast.untilCount(count, 30_000);
    expect(idsOf(fastEvents.map((e) => e.remediationActionUpdated.cursor))).toEqual(expected);
    expect(fastEvents.every((e) => e.remediationActionUpdated.action.e24 === explanation)).toBe(
      true,
    );
    // The stalled subscriber left the shared feed instead of queueing the whole backlog in memory.
    await live(1, tenant);

    (socket as unknown as { _socket: Socket })._socket.resume();
    const slowEvents = () => slow.filter((m) => m.type === 'next' && m.id === 's');
    await waitFor(() => slowEvents().length >= count, 'the slow consumer to catch up', 30_000);
    expect(
      idsOf(slowEvents().map((m) => m.payload!.data!.remediationActionUpdated.cursor)),
    ).toEqual(expected);
    expect(slow.filter((m) => m.type === 'error')).toEqual([]);
    await live(2, tenant); // and it rejoined the live feed
    socket.close();
    await once(socket, 'close');
  }, 60_000);
});
