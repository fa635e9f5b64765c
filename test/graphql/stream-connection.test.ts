// The stream connections (graphql-ws and SSE): authentication at connection init (4401/4403, any
// key case, the upgrade header), token expiry on a long-lived socket or event stream, the
// per-connection bound (also in one burst), keep-alive pings, no leak over subscribe / unsubscribe
// churn, and graceful shutdown (1012 for WebSockets, SSE streams ended without `complete`).
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tokenSettingsFromEnv } from '../../src/auth/tokens.js';
import { START_OF_LOG } from '../../src/events/cursor.js';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { type StreamWorld, streamTenant, streamWorld } from '../support/stream-world.js';
import { streamWriter } from '../support/stream-writer.js';
import {
  ACTION_UPDATED,
  PENDING_ACTION_ADDED,
  type Pending,
  type StreamError,
  type Updated,
} from '../support/streams.js';
import { collect, sseSubscribe, subscribers, waitFor } from '../support/subscriptions.js';

const TENANT = 'tenant-h';
const secret = tokenSettingsFromEnv().secret!;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxSubscriptionsPerConnection: 3, keepAliveMs: 100 });
});
afterAll(() => server?.close());

/** A token that expires `seconds` from now (negative: already expired). */
function tokenExpiringIn(seconds: number, tid = TENANT) {
  return new SignJWT({ sub: 'tester', tid, roles: ['viewer'], groups: '*' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(secret);
}

/** Connects with graphql-ws, subscribes, and reports how the socket was closed. */
async function closeCodeFor(connectionParams: Record<string, unknown>): Promise<number> {
  let code = 0;
  const client = server.wsClient(connectionParams, {
    on: { closed: (e) => (code = (e as { code: number }).code) },
  });
  const sub = collect(client, PENDING_ACTION_ADDED);
  await sub.untilError();
  await client.dispose();
  return code;
}

describe('authentication at connection init', () => {
  it('closes 4401 without a token and 4403 with a bad or expired one', async () => {
    expect(await closeCodeFor({})).toBe(4401);
    expect(await closeCodeFor({ authorization: 'Bearer not.a.jwt' })).toBe(4403);
    expect(await closeCodeFor({ Authorization: `Bearer ${await tokenExpiringIn(-10)}` })).toBe(
      4403,
    );
  });

  it('ends WebSockets (4403, on which clients reconnect with a fresh token) and SSE streams when their token expires', async () => {
    const tenant = 'tenant-h-expiry'; // its own tenant: the subscriber counts below are exact
    // Provision the tenant first, so both subscribers go live well before the token expires.
    await server.gqlData('{ __typename }', {}, await server.token({ tid: tenant }));
    // Long enough for both subscribers to go live on a loaded 2-core machine running 3 test files.
    const token = await tokenExpiringIn(8, tenant);
    let code = 0;
    const client = server.wsClient(
      { authorization: `Bearer ${token}` },
      { on: { closed: (e) => (code = (e as { code: number }).code) } },
    );
    const sub = collect(client, PENDING_ACTION_ADDED);
    const sse = sseSubscribe(server.graphqlUrl, token, PENDING_ACTION_ADDED);
    await waitFor(
      () => server.streams.stats(tenant).liveSubscribers === 2,
      'the subscribers',
      7_000,
    );
    await sub.untilError(9_000);
    expect(code).toBe(4403);
    await sse.done;
    expect(sse.received).toMatchObject({ ended: true, completed: false });
    await client.dispose();
    await waitFor(() => server.streams.stats(tenant).subscribers === 0, 'both streams to end');
  });
});

describe('limits and keep-alive', () => {
  it('refuses subscriptions beyond the per-connection bound with TOO_MANY_SUBSCRIPTIONS', async () => {
    const client = server.wsClient({
      authorization: `Bearer ${await server.token({ tid: TENANT })}`,
    });
    const allowed = [
      collect(client, PENDING_ACTION_ADDED),
      collect(client, PENDING_ACTION_ADDED),
      collect(client, PENDING_ACTION_ADDED),
    ];
    await waitFor(() => server.streams.stats(TENANT).liveSubscribers === 3, 'three subscribers');
    const refused = collect(client, PENDING_ACTION_ADDED);
    const [error] = (await refused.untilError()) as { extensions?: { code?: string } }[];
    expect(error?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // Ending one frees a slot.
    allowed[0]!.stop();
    await waitFor(() => server.streams.stats(TENANT).subscribers === 2, 'one subscription to end');
    collect(client, PENDING_ACTION_ADDED);
    await waitFor(() => server.streams.stats(TENANT).liveSubscribers === 3, 'the replacement');
    for (const s of allowed) expect(s.received.errors).toEqual([]);
    await client.dispose();
    await waitFor(() => server.streams.stats(TENANT).subscribers === 0, 'subscriptions to end');
  });

  it('pings WebSocket connections to keep them alive', async () => {
    const socket = new WebSocket(server.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    let pings = 0;
    socket.on('ping', () => pings++);
    await waitFor(() => pings >= 2, 'two pings', 2_000);
    socket.close();
  });
});

describe('graceful shutdown', () => {
  it('closes WebSockets with 1012 (Service Restart) and ends SSE streams without completing them', async () => {
    const own = await startTestServer();
    const world = fixtures(own.prisma, TENANT);
    await world.tenant();
    const group = await world.group('Shutdown group', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await world.device(group.id);
    const token = await own.token({ tid: TENANT });

    const codes: number[] = [];
    // Not own.wsClient(): the test server disposes those clients itself before shutting down.
    const ws = createClient({
      url: own.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      on: { closed: (e) => codes.push((e as { code: number }).code) },
    });
    const overWs = collect(ws, PENDING_ACTION_ADDED);
    const overSse = sseSubscribe(own.graphqlUrl, token, PENDING_ACTION_ADDED);
    await waitFor(() => own.streams.stats(TENANT).liveSubscribers === 2, 'both subscribers');
    await streamWriter(own.prisma, TENANT).pendingAction(device);
    await overWs.untilCount(1);
    await overSse.untilCount(1);

    await own.close();
    await overSse.done;
    expect(codes).toEqual([1012]);
    expect(overWs.received.completed).toBe(false);
    expect(overWs.received.errors).toMatchObject([{ code: 1012 }]); // the client would retry (retryAttempts > 0)
    await ws.dispose();
    expect(overSse.received).toMatchObject({ ended: true, completed: false });
  });
});

describe('authentication, expiry, bounds and churn on a world of streams', () => {
  let server: TestServer;
  let world: StreamWorld;
  beforeAll(async () => {
    server = await startTestServer({ maxSubscriptionsPerConnection: 3, keepAliveMs: 60_000 });
    world = await streamWorld(server.prisma);
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

  /** A GraphQL-over-SSE request with a chosen Accept header, stopped after each test. */
  function sseWithAccept<T>(accept: string | null, bearer: string, query: string) {
    const handle = sseSubscribe<T>(server.graphqlUrl, bearer, query, {}, { accept });
    openSse.push(handle);
    return handle;
  }

  it('authenticates connection_init whatever the key case, and from the upgrade request header', async () => {
    const token = await server.token();
    const byKey = ['authorization', 'Authorization', 'AUTHORIZATION'].map((key) => {
      const c = server.wsClient({ [key]: `Bearer ${token}` });
      sockets.track(c);
      return collect<Pending>(c, PENDING_ACTION_ADDED);
    });
    class WithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
      }
    }
    const headerClient = server.wsClient({}, { webSocketImpl: WithHeader });
    sockets.track(headerClient);
    const byHeader = collect<Pending>(headerClient, PENDING_ACTION_ADDED);
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
    const sub = collect<Pending>(c, PENDING_ACTION_ADDED);
    await live(1, tenant);
    await sub.untilError(5_000);
    expect(code).toBe(4403);
    await waitFor(() => server.streams.stats(tenant).subscribers === 0, 'the stream to end');
  });

  for (const accept of ['*/*', 'TEXT/EVENT-STREAM', 'text/*']) {
    it(`ends an event stream requested with Accept ${accept ?? '(none)'} when its token expires`, async () => {
      const tenant = `tenant-adv-expiry-sse-${accept ?? 'none'}`;
      const token = await tokenExpiringIn(2, tenant);
      const sse = sseWithAccept<Pending>(accept, token, PENDING_ACTION_ADDED);
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
        body: JSON.stringify({ query: PENDING_ACTION_ADDED }),
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
    const burst = Array.from({ length: 7 }, () => collect<Pending>(ws, PENDING_ACTION_ADDED));
    await waitFor(
      () => burst.filter((s) => s.received.errors.length > 0).length === 4,
      'four refusals',
    );
    await live(3);
    const refused = burst.filter((s) => s.received.errors.length > 0);
    for (const s of refused)
      expect((s.received.errors[0] as StreamError).extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    const accepted = burst.filter((s) => s.received.errors.length === 0);
    const action = await world.a.pendingAction(world.deviceY);
    for (const s of accepted)
      expect((await s.untilCount(1))[0]!.pendingActionAdded.action.id).toBe(actionId(action.id));
    expect(server.streams.stats('tenant-a').subscribers).toBe(3);
  });

  it('leaks no subscriber or feed over many subscribe / unsubscribe cycles, live, replaying, or not yet started', async () => {
    const tenant = 'tenant-adv-churn';
    const { device, writer } = await streamTenant(server.prisma, tenant, 'Churn group');
    for (let i = 0; i < 3; i++) await writer.pendingAction(device);
    const token = await server.token({ tid: tenant });
    const ws = server.wsClient({ authorization: `Bearer ${token}` });
    sockets.track(ws);

    for (let i = 0; i < 40; i++) {
      const variables = i % 2 ? { after: START_OF_LOG } : {};
      const sub = collect<Updated>(ws, ACTION_UPDATED, variables);
      if (i % 3 === 0)
        await waitFor(() => server.streams.stats(tenant).subscribers === 1, 'the subscriber');
      sub.stop(); // sometimes before the server even registered it
      if (i % 5 === 0) {
        const sse = sseSubscribe<Updated>(server.graphqlUrl, token, ACTION_UPDATED, variables);
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
    const last = collect<Updated>(ws, ACTION_UPDATED);
    await live(1, tenant);
    const action = await writer.pendingAction(device);
    expect((await last.untilCount(1))[0]!.remediationActionUpdated.action.id).toBe(
      actionId(action.id),
    );
  });
});
