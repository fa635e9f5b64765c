// The action streams against hostile or unlucky clients, over real servers and real graphql-ws /
// SSE clients: filters and cursors that name another tenant, forged and malformed cursors, actions
// that move between groups, connection-level tricks (key case, upgrade headers, bursts, churn,
// Accept headers that still get an event stream), and a consumer that stops reading its socket.
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tokenSettingsFromEnv } from '../../src/auth/tokens.js';
import { appendActionEvents } from '../../src/events/append.js';
import { encodeCursor, START_OF_LOG } from '../../src/events/cursor.js';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { type DeviceRef, loggedIds, streamWriter } from '../support/stream-writer.js';
import { collect, idsOf, sseSubscribe, subscribers, waitFor } from '../support/subscriptions.js';

const FIELDS = `cursor status action { id status deviceGroup { name } }`;
const PENDING = `subscription($filter: ActionStreamFilter, $after: String) { pendingActionAdded(filter: $filter, after: $after) { ${FIELDS} } }`;
const UPDATED = `subscription($filter: ActionStreamFilter, $after: String) { remediationActionUpdated(filter: $filter, after: $after) { ${FIELDS} } }`;

interface Event {
  cursor: string;
  status: string;
  action: { id: string; status: string; deviceGroup: { name: string } };
}
type Pending = { pendingActionAdded: Event };
type Updated = { remediationActionUpdated: Event };
type GqlError = { message: string; extensions?: { code?: string; field?: string } };

const secret = tokenSettingsFromEnv().secret!;
const MAX_QUEUED = 5;

let server: TestServer;
let world: Awaited<ReturnType<typeof buildWorld>>;

async function buildWorld() {
  const a = fixtures(server.prisma, 'tenant-a');
  await a.tenant();
  const groupX = await a.group('Adv X', 'SEMI_REQUIRE_APPROVAL_ANY');
  const groupY = await a.group('Adv Y', 'SEMI_REQUIRE_APPROVAL_ANY');
  const deviceX = await a.device(groupX.id, 'adv-x');
  const deviceY = await a.device(groupY.id, 'adv-y');
  const incidentA = (await a.incident([deviceX], { title: 'A incident' })).incident;
  const b = fixtures(server.prisma, 'tenant-b');
  await b.tenant();
  const groupB = await b.group('Adv X'); // the same name as A's group: names are per tenant
  const deviceB = await b.device(groupB.id, 'adv-b');
  const incidentB = (await b.incident([deviceB], { title: 'B incident' })).incident;
  return {
    groupX,
    groupY,
    deviceX,
    deviceY,
    incidentA,
    groupB,
    deviceB,
    incidentB,
    a: streamWriter(server.prisma, 'tenant-a'),
    b: streamWriter(server.prisma, 'tenant-b'),
  };
}

beforeAll(async () => {
  server = await startTestServer({
    maxSubscriptionsPerConnection: 3,
    // Long enough that a client which stops reading is not dropped for missing pongs mid-test.
    keepAliveMs: 60_000,
    streams: { maxQueuedPerSubscriber: MAX_QUEUED },
  });
  world = await buildWorld();
});
afterAll(() => server?.close());

const sockets = subscribers(() => server);
const { client, live } = sockets;
const openSse: { stop(): void; done: Promise<unknown> }[] = [];
afterEach(async () => {
  await sockets.disposeAll();
  for (const s of openSse.splice(0)) {
    s.stop();
    await s.done;
  }
  await waitFor(() => server.streams.stats().subscribers === 0, 'subscriptions to end');
});

const actionId = (id: string) => globalId('RemediationAction', id);

/** A token for `tid` expiring `seconds` from now. */
function tokenExpiringIn(seconds: number, tid: string) {
  return new SignJWT({ sub: 'tester', tid, roles: ['viewer'], groups: '*' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(secret);
}

/** A GraphQL-over-SSE request with a chosen Accept header, stopped after each test. */
function sseWithAccept<T>(accept: string | null, bearer: string, query: string) {
  const handle = sseSubscribe<T>(server.graphqlUrl, bearer, query, {}, { accept });
  openSse.push(handle);
  return handle;
}

describe('scope against hostile filters and cursors', () => {
  it("delivers nothing when the filter names another tenant's group or incident, or a group the token may not read", async () => {
    const wide = await client();
    const limited = await client({ roles: ['viewer'], groups: ['Adv X'] });
    const foreignGroup = collect<Pending>(wide, PENDING, {
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupB.id)] },
    });
    const foreignIncident = collect<Pending>(wide, PENDING, {
      filter: { incidentId: globalId('Incident', world.incidentB.id) },
    });
    const unreadable = collect<Pending>(limited, PENDING, {
      filter: {
        deviceGroupIds: [
          globalId('DeviceGroup', world.groupY.id),
          globalId('DeviceGroup', world.groupB.id),
        ],
      },
    });
    const witness = collect<Pending>(limited, PENDING); // same tenant, sees X only
    await live(4);

    await world.b.pendingAction(world.deviceB, { incidentId: world.incidentB.id });
    await world.a.pendingAction(world.deviceY);
    const marker = await world.a.pendingAction(world.deviceX);
    // One read of the feed offers every page to every live subscriber at once: when the witness
    // has the marker, the others have already dropped what came before it.
    const [seen] = await witness.untilCount(1);
    expect(seen!.pendingActionAdded.action.id).toBe(actionId(marker.id));
    for (const s of [foreignGroup, foreignIncident, unreadable])
      expect(s.received).toMatchObject({ data: [], errors: [] });
  });

  it("treats a cursor taken from another tenant's stream as a position only: no replay of that tenant, no error, own events follow", async () => {
    // Tenant B's newest cursor (ids are global, so it is beyond tenant A's end).
    const bAction = await world.b.pendingAction(world.deviceB);
    const bWs = await client({ tid: 'tenant-b' });
    const bReplay = collect<Updated>(bWs, UPDATED, { after: START_OF_LOG });
    const bEvents = await bReplay.untilCount((await loggedIds(server.prisma, 'tenant-b')).length);
    const bCursor = bEvents.at(-1)!.remediationActionUpdated.cursor;
    expect(bEvents.at(-1)!.remediationActionUpdated.action.id).toBe(actionId(bAction.id));
    // And one of B's oldest cursors, which lies inside A's log.
    const bFirstCursor = bEvents[0]!.remediationActionUpdated.cursor;

    const aWs = await client();
    const withNewest = collect<Updated>(aWs, UPDATED, { after: bCursor });
    const withOldest = collect<Updated>(aWs, UPDATED, { after: bFirstCursor });
    const aAction = await world.a.pendingAction(world.deviceX);
    const expectedOldest = await loggedIds(server.prisma, 'tenant-a', idsOf([bFirstCursor])[0]!);
    const newest = await withNewest.untilCount(1);
    const oldest = await withOldest.untilCount(expectedOldest.length);
    expect(newest.map((e) => e.remediationActionUpdated.action.id)).toEqual([actionId(aAction.id)]);
    expect(idsOf(oldest.map((e) => e.remediationActionUpdated.cursor))).toEqual(expectedOldest);
    const bIds = new Set([...bEvents.map((e) => e.remediationActionUpdated.action.id)]);
    for (const e of [...newest, ...oldest])
      expect(bIds.has(e.remediationActionUpdated.action.id)).toBe(false);
  });

  it("refetches a moved action in the subscriber's current scope: the old group's reader no longer gets it, a wider reader sees it in its new group", async () => {
    const start = (await loggedIds(server.prisma, 'tenant-a')).at(-1)!;
    const own = fixtures(server.prisma, 'tenant-a');
    const mover = await own.device(world.groupX.id, 'adv-mover');
    const moved = await world.a.pendingAction(mover);
    const stays = await world.a.pendingAction(world.deviceX);
    // The device (and with it its actions, as the services do) moves from X to Y after the event.
    await server.prisma.$transaction([
      server.prisma.device.update({
        where: { id: mover.id },
        data: { deviceGroupId: world.groupY.id },
      }),
      server.prisma.remediationAction.updateMany({
        where: { deviceId: mover.id },
        data: { deviceGroupId: world.groupY.id },
      }),
    ]);

    const onlyX = collect<Updated>(
      await client({ roles: ['viewer'], groups: ['Adv X'] }),
      UPDATED,
      { after: encodeCursor(start) },
    );
    const onlyY = collect<Updated>(
      await client({ roles: ['viewer'], groups: ['Adv Y'] }),
      UPDATED,
      { after: encodeCursor(start) },
    );
    const wide = collect<Updated>(await client(), UPDATED, {
      after: encodeCursor(start),
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupX.id)] },
    });
    await live(3);
    // A later event in Y (which the Y reader may read) marks the end of the replay for it.
    const markerY = await world.a.pendingAction(world.deviceY);

    const [xEvent] = await onlyX.untilCount(1);
    expect(xEvent!.remediationActionUpdated.action.id).toBe(actionId(stays.id));
    const [yEvent] = await onlyY.untilCount(1);
    expect(yEvent!.remediationActionUpdated.action.id).toBe(actionId(markerY.id));
    const wideEvents = await wide.untilCount(2);
    expect(
      wideEvents.map((e) => [
        e.remediationActionUpdated.action.id,
        e.remediationActionUpdated.action.deviceGroup.name,
      ]),
    ).toEqual([
      [actionId(moved.id), 'Adv Y'],
      [actionId(stays.id), 'Adv X'],
    ]);
    // Y's marker arrived after the replay: the X reader has decided on everything before it.
    expect(onlyX.received.data).toHaveLength(1);
    expect(onlyY.received.data).toHaveLength(1);
  });
});

describe('resume at and beyond the end of the log', () => {
  it('replays nothing from a cursor at the very end, then delivers the next event', async () => {
    const end = (await loggedIds(server.prisma, 'tenant-a')).at(-1)!;
    const sub = collect<Updated>(await client(), UPDATED, { after: encodeCursor(end) });
    await live(1);
    const next = await world.a.pendingAction(world.deviceX);
    const events = await sub.untilCount(1);
    expect(events.map((e) => e.remediationActionUpdated.action.id)).toEqual([actionId(next.id)]);
  });

  it("does not let a forged cursor beyond the end of the log stall the tenant's stream for itself or anyone else", async () => {
    // A tenant of its own: the forged subscriber is the first one of its feed.
    const tenant = 'tenant-adv-forged';
    const own = fixtures(server.prisma, tenant);
    await own.tenant();
    const device = await own.device((await own.group('Forged group')).id);
    const writer = streamWriter(server.prisma, tenant);
    await writer.pendingAction(device);

    const forged = collect<Updated>(await client({ tid: tenant }), UPDATED, {
      after: encodeCursor(2n ** 62n),
    });
    await live(1, tenant);
    const honest = collect<Updated>(await client({ tid: tenant }), UPDATED);
    const honestSse = sseSubscribe<Updated>(
      server.graphqlUrl,
      await server.token({ tid: tenant }),
      UPDATED,
    );
    openSse.push(honestSse);
    await waitFor(() => server.streams.stats(tenant).subscribers === 3, 'three subscribers');

    const next = await writer.pendingAction(device);
    for (const s of [honest, forged, honestSse]) {
      const events = await s.untilCount(1);
      expect(events.map((e) => e.remediationActionUpdated.action.id)).toEqual([actionId(next.id)]);
    }
    expect(forged.received.errors).toEqual([]);
  });

  it('resumes over SSE with `after`: the missed events once, in order, then live', async () => {
    const token = await server.token();
    const first = sseSubscribe<Updated>(server.graphqlUrl, token, UPDATED);
    openSse.push(first);
    await live(1);
    await world.a.pendingAction(world.deviceX);
    const [seen] = await first.untilCount(1);
    first.stop();
    await first.done;
    await waitFor(
      () => server.streams.stats('tenant-a').subscribers === 0,
      'the first stream to end',
    );
    const cursor = seen!.remediationActionUpdated.cursor;

    const missed = [
      await world.a.pendingAction(world.deviceY),
      await world.a.pendingAction(world.deviceX),
    ];
    await world.a.setStatus([missed[0]!.id], 'REJECTED');
    const resumed = sseSubscribe<Updated>(server.graphqlUrl, token, UPDATED, { after: cursor });
    openSse.push(resumed);
    await resumed.untilCount(3);
    await world.a.pendingAction(world.deviceY);
    const events = await resumed.untilCount(4);
    expect(idsOf(events.map((e) => e.remediationActionUpdated.cursor))).toEqual(
      await loggedIds(server.prisma, 'tenant-a', idsOf([cursor])[0]!),
    );
    expect(events[2]!.remediationActionUpdated).toMatchObject({
      status: 'REJECTED',
      action: { id: actionId(missed[0]!.id) },
    });
  });
});

describe('malformed cursors', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const malformed: [string, unknown][] = [
    ['garbage', 'not-a-cursor'],
    ['empty', ''],
    ['negative', b64('ae1:-1')],
    ['leading zero', b64('ae1:01')],
    ['unknown version', b64('ae2:5')],
    ['beyond 64 bits', b64(`ae1:${2n ** 63n}`)],
    ['very long', 'A'.repeat(10_000)],
    ['a number', 42],
    ['an object', { id: 1 }],
  ];

  it('refuses each over graphql-ws with BAD_USER_INPUT naming `after`', async () => {
    const ws = await client();
    for (const [what, after] of malformed) {
      const [error] = (await collect<Pending>(ws, PENDING, { after }).untilError()) as GqlError[];
      expect({ what, code: error?.extensions?.code, field: error?.extensions?.field }).toEqual({
        what,
        code: 'BAD_USER_INPUT',
        field: 'after',
      });
    }
    expect(server.streams.stats().subscribers).toBe(0);
  });

  it('refuses each over SSE with BAD_USER_INPUT naming `after`', async () => {
    const token = await server.token();
    for (const [what, after] of malformed) {
      const sse = sseSubscribe<Pending>(server.graphqlUrl, token, PENDING, { after });
      openSse.push(sse);
      await sse.done;
      const [error] = sse.received.errors as GqlError[];
      expect({
        what,
        code: error?.extensions?.code,
        field: error?.extensions?.field,
        data: sse.received.data,
      }).toEqual({
        what,
        code: 'BAD_USER_INPUT',
        field: 'after',
        data: [],
      });
    }
  });
});

describe('connection hygiene', () => {
  it('authenticates connection_init whatever the key case, and from the upgrade request header', async () => {
    const token = await server.token();
    const byKey = ['authorization', 'Authorization', 'AUTHORIZATION'].map((key) => {
      const c = server.wsClient({ [key]: `Bearer ${token}` });
      sockets.track(c);
      return collect<Pending>(c, PENDING);
    });
    class WithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
      }
    }
    const headerClient = server.wsClient({}, { webSocketImpl: WithHeader });
    sockets.track(headerClient);
    const byHeader = collect<Pending>(headerClient, PENDING);
    await live(4);
    const action = await world.a.pendingAction(world.deviceX);
    for (const s of [...byKey, byHeader]) {
      const [event] = await s.untilCount(1);
      expect(event!.pendingActionAdded.action.id).toBe(actionId(action.id));
    }
  });

  it('closes a socket authenticated by its upgrade header when that token expires (4403)', async () => {
    const tenant = 'tenant-adv-expiry-ws';
    const token = await tokenExpiringIn(2, tenant);
    class WithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
      }
    }
    let code = 0;
    const c = server.wsClient(
      {},
      { webSocketImpl: WithHeader, on: { closed: (e) => (code = (e as { code: number }).code) } },
    );
    sockets.track(c);
    const sub = collect<Pending>(c, PENDING);
    await live(1, tenant);
    await sub.untilError(5_000);
    expect(code).toBe(4403);
    await waitFor(() => server.streams.stats(tenant).subscribers === 0, 'the stream to end');
  });

  for (const accept of ['*/*', 'TEXT/EVENT-STREAM', 'text/*']) {
    it(`ends an event stream requested with Accept ${accept ?? '(none)'} when its token expires`, async () => {
      const tenant = `tenant-adv-expiry-sse-${accept ?? 'none'}`;
      const token = await tokenExpiringIn(2, tenant);
      const sse = sseWithAccept<Pending>(accept, token, PENDING);
      await waitFor(
        () => server.streams.stats(tenant).liveSubscribers === 1 && sse.received.status !== null,
        'the SSE subscriber',
      );
      expect(sse.received.contentType).toMatch(/^text\/event-stream/);
      await waitFor(() => sse.received.ended, 'the stream to end at expiry', 5_000);
      expect(sse.received).toMatchObject({ completed: false, errors: [] });
      await waitFor(
        () => server.streams.stats(tenant).subscribers === 0,
        'the hub subscription to end',
      );
    });
  }

  it('ends an event stream requested with Accept */* at shutdown, without completing it, instead of holding shutdown for the grace period', async () => {
    // A grace period longer than the test: shutdown must not wait for it to cut the stream.
    const own = await startTestServer({ shutdownGraceMs: 120_000 });
    let closed = false;
    try {
      const token = await own.token({ tid: 'tenant-adv-shutdown' });
      const response = await fetch(own.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: '*/*',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query: PENDING }),
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await waitFor(
        () => own.streams.stats('tenant-adv-shutdown').liveSubscribers === 1,
        'the SSE subscriber',
      );
      const body = (async () => {
        let text = '';
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
          text += Buffer.from(chunk).toString();
        return text;
      })();
      await own.close();
      closed = true;
      expect(await body).not.toContain('event: complete');
    } finally {
      if (!closed) await own.close();
    }
  });

  it('refuses operations beyond the per-connection bound even when they arrive in one burst', async () => {
    const ws = await client();
    const burst = Array.from({ length: 7 }, () => collect<Pending>(ws, PENDING));
    await waitFor(
      () => burst.filter((s) => s.received.errors.length > 0).length === 4,
      'four refusals',
    );
    await live(3);
    const refused = burst.filter((s) => s.received.errors.length > 0);
    for (const s of refused)
      expect((s.received.errors[0] as GqlError).extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    const accepted = burst.filter((s) => s.received.errors.length === 0);
    const action = await world.a.pendingAction(world.deviceY);
    for (const s of accepted)
      expect((await s.untilCount(1))[0]!.pendingActionAdded.action.id).toBe(actionId(action.id));
    expect(server.streams.stats('tenant-a').subscribers).toBe(3);
  });

  it('leaks no subscriber or feed over many subscribe / unsubscribe cycles, live, replaying, or not yet started', async () => {
    const tenant = 'tenant-adv-churn';
    const own = fixtures(server.prisma, tenant);
    await own.tenant();
    const device = await own.device((await own.group('Churn group')).id);
    const writer = streamWriter(server.prisma, tenant);
    for (let i = 0; i < 3; i++) await writer.pendingAction(device);
    const token = await server.token({ tid: tenant });
    const ws = server.wsClient({ authorization: `Bearer ${token}` });
    sockets.track(ws);

    for (let i = 0; i < 40; i++) {
      const variables = i % 2 ? { after: START_OF_LOG } : {};
      const sub = collect<Updated>(ws, UPDATED, variables);
      if (i % 3 === 0)
        await waitFor(() => server.streams.stats(tenant).subscribers === 1, 'the subscriber');
      sub.stop(); // sometimes before the server even registered it
      if (i % 5 === 0) {
        const sse = sseSubscribe<Updated>(server.graphqlUrl, token, UPDATED, variables);
        await waitFor(() => server.streams.stats(tenant).subscribers >= 1, 'the SSE subscriber');
        sse.stop();
        await sse.done;
      }
    }
    await waitFor(
      () => server.streams.stats(tenant).subscribers === 0,
      'every subscription to end',
    );
    await waitFor(() => server.streams.stats().tenants === 0, 'every feed to be dropped');
    // And the connection still works.
    const last = collect<Updated>(ws, UPDATED);
    await live(1, tenant);
    const action = await writer.pendingAction(device);
    expect((await last.untilCount(1))[0]!.remediationActionUpdated.action.id).toBe(
      actionId(action.id),
    );
  });
});

describe('a consumer that stops reading', () => {
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
    sockets.track(fastClient);
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
    for (let i = 0; i < count; i++) {
      await server.prisma.$transaction(async (tx) => {
        const a = await tx.remediationAction.create({
          data: {
            tenantId: tenant,
            deviceId: device.id,
            deviceGroupId: device.deviceGroupId,
            type: 'QUARANTINE_FILE',
            source: 'AUTOMATED_INVESTIGATION',
            status: 'PENDING_APPROVAL',
            decision: 'REQUIRE_APPROVAL',
            explanation,
            undoable: true,
          },
        });
        await appendActionEvents(tx, [
          {
            tenantId: tenant,
            actionId: a.id,
            deviceGroupId: a.deviceGroupId,
            deviceId: a.deviceId,
            incidentId: null,
            actionType: a.type,
            previousStatus: null,
            status: a.status,
          },
        ]);
      });
    }
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
