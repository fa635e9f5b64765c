// Connection hygiene of the real-time transports: authentication at connection init (4401/4403),
// token expiry on a long-lived socket, the per-connection bound, keep-alive pings, and graceful
// shutdown (1012 for WebSockets, SSE streams ended without `complete`).
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tokenSettingsFromEnv } from '../../src/auth/tokens.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { streamWriter } from '../support/stream-writer.js';
import { collect, sseSubscribe, waitFor } from '../support/subscriptions.js';

const PENDING = `subscription { pendingActionAdded { cursor action { id } } }`;
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
  const sub = collect(client, PENDING);
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
    const token = await tokenExpiringIn(5, tenant);
    let code = 0;
    const client = server.wsClient(
      { authorization: `Bearer ${token}` },
      { on: { closed: (e) => (code = (e as { code: number }).code) } },
    );
    const sub = collect(client, PENDING);
    const sse = sseSubscribe(server.graphqlUrl, token, PENDING);
    await waitFor(
      () => server.streams.stats(tenant).liveSubscribers === 2,
      'the subscribers',
      4_500,
    );
    await sub.untilError(6_000);
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
    const allowed = [collect(client, PENDING), collect(client, PENDING), collect(client, PENDING)];
    await waitFor(() => server.streams.stats(TENANT).liveSubscribers === 3, 'three subscribers');
    const refused = collect(client, PENDING);
    const [error] = (await refused.untilError()) as { extensions?: { code?: string } }[];
    expect(error?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // Ending one frees a slot.
    allowed[0]!.stop();
    await waitFor(() => server.streams.stats(TENANT).subscribers === 2, 'one subscription to end');
    collect(client, PENDING);
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
    const overWs = collect(ws, PENDING);
    const overSse = sseSubscribe(own.graphqlUrl, token, PENDING);
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
