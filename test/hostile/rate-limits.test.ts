// Rate limits (issue 10 item 5) and over-limit operations over WebSocket (item 7), against real
// servers on one PostgreSQL with real clients (fetch, graphql-ws, SSE).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../../src/config.js';
import { START_OF_LOG } from '../../src/events/cursor.js';
import { startQuell } from '../../src/server/start.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { streamWriter } from '../support/stream-writer.js';
import { collect, waitFor } from '../support/subscriptions.js';

// A subject may run 10 minimal operations, a tenant 25; both regain a point every 100 s, so
// nothing refills during a test.
const SMALL: RateLimitSettings = {
  enabled: true,
  subject: { capacity: 100, refillPerSecond: 0.01 },
  tenant: { capacity: 250, refillPerSecond: 0.01 },
  minimumCost: 10,
  maxWebSocketsPerSubject: 2,
};
const CHEAP = '{ deviceGroups(first: 1) { totalCount } }';

type Body = { data?: unknown; errors?: { extensions?: Record<string, any> }[]; extensions?: any };

async function post(url: string, bearer: string, query: string, accept = 'application/json') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, accept },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text };
}

describe('budgets per subject and per tenant', () => {
  let server: TestServer;
  let second: Awaited<ReturnType<typeof startQuell>>;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: SMALL });
    // A second instance on the same database: the buckets are PostgreSQL's, so it shares them.
    second = await startQuell({ databaseUrl: server.databaseUrl, port: 0, rateLimits: SMALL });
  });
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  it('shows the remaining budget, then refuses with 429, Retry-After and RATE_LIMITED', async () => {
    const alice = await server.token({ sub: 'alice' });
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await post(server.graphqlUrl, alice, CHEAP);
      const body = JSON.parse(result.text) as Body;
      expect(result.status).toBe(200);
      remaining.push(body.extensions.cost.subject.remaining);
      expect(body.extensions.cost).toMatchObject({ charged: 10, subject: { capacity: 100 } });
    }
    expect(remaining).toEqual([90, 80, 70, 60, 50]);
    // The other instance draws on the same bucket.
    for (let i = 0; i < 5; i++) {
      expect((await post(second.graphqlUrl, alice, CHEAP)).status).toBe(200);
    }
    for (const url of [server.graphqlUrl, second.graphqlUrl]) {
      const refused = await post(url, alice, CHEAP);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      const body = JSON.parse(refused.text) as Body;
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        budget: 'subject',
        retryAfter: Number(refused.retryAfter),
      });
      expect(body.errors?.[0]?.extensions?.http).toBeUndefined();
    }
  });

  it("another subject keeps its own budget until the tenant's is spent", async () => {
    const bob = await server.token({ sub: 'bob' });
    const carol = await server.token({ sub: 'carol' });
    // alice spent 100 of the tenant's 250 above; bob spends 100 more, carol the last 50.
    for (let i = 0; i < 10; i++)
      expect((await post(server.graphqlUrl, bob, CHEAP)).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await post(server.graphqlUrl, carol, CHEAP)).status).toBe(200);
    const refused = await post(server.graphqlUrl, carol, CHEAP);
    expect(refused.status).toBe(429);
    expect((JSON.parse(refused.text) as Body).errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      budget: 'tenant',
    });
    // Another tenant is untouched.
    const other = await server.token({ sub: 'alice', tid: 'tenant-z' });
    expect((await post(server.graphqlUrl, other, CHEAP)).status).toBe(200);
  });

  it('refuses an SSE subscription over budget with 429 too', async () => {
    const alice = await server.token({ sub: 'alice' });
    const refused = await post(
      server.graphqlUrl,
      alice,
      'subscription { pendingActionAdded { cursor } }',
      'text/event-stream',
    );
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.text).toContain('RATE_LIMITED');
  });
});

describe('over WebSocket, one over-limit operation fails alone', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { ...SMALL, subject: { capacity: 60, refillPerSecond: 0.01 } },
      maxSubscriptionsPerConnection: 3,
    });
  });
  afterAll(async () => server?.close());

  it('answers depth, tokens, cost, syntax and rate with an error; the socket and its stream live on', async () => {
    const a = fixtures(server.prisma, 'tenant-a');
    await a.tenant();
    const group = await a.group('WS limits', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await a.device(group.id, 'ws-limits');
    const writer = streamWriter(server.prisma, 'tenant-a');
    await writer.pendingAction(device);

    const token = await server.token({ sub: 'dashboard' });
    let closed: number | null = null;
    const client = server.wsClient(
      { authorization: `Bearer ${token}` },
      {
        on: { closed: (event) => (closed = (event as { code: number }).code) },
      },
    );
    const live = collect(
      client,
      'subscription($after: String) { pendingActionAdded(after: $after) { cursor } }',
      { after: START_OF_LOG },
    );
    await live.untilCount(1);

    const deep = `{ ${'incidents(first: 1) { nodes { alerts { incident { '.repeat(5)} id ${'} } } }'.repeat(5)} }`;
    const costly = `{ deviceGroups(first: 100) { edges { node { name devices(first: 100) { edges {
      node { hostname deviceGroup { devices(first: 100) { edges { node { hostname } } } } } } } } } } }`;
    const refusals: Record<string, string> = {};
    for (const [name, query] of [
      ['depth', deep],
      ['tokens', `{ ${'__typename '.repeat(5000)} }`],
      ['cost', costly],
      ['syntax', '{ incidents('],
    ] as const) {
      const errors = await collect(client, query).untilError();
      refusals[name] = String((errors[0] as { extensions?: { code?: string } }).extensions?.code);
    }
    // Each operation costs at least 10: 60 points are the live one plus five more.
    const served: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      const one = collect(client, CHEAP);
      await waitFor(() => one.received.completed || one.received.errors.length > 0, 'an answer');
      served.push(one.received.errors[0] ?? 'ok');
    }
    const rate = served.find((s) => s !== 'ok') as { extensions?: Record<string, unknown> };
    expect(rate?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'subject' });
    expect(Number(rate?.extensions?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refusals).toEqual({
      depth: 'LIMIT_EXCEEDED',
      tokens: 'LIMIT_EXCEEDED',
      cost: 'LIMIT_EXCEEDED',
      syntax: 'GRAPHQL_PARSE_FAILED',
    });

    await writer.pendingAction(device);
    const events = await live.untilCount(2);
    expect(events).toHaveLength(2);
    expect(closed).toBeNull();
  });

  it('refuses a fourth concurrent operation on a connection with TOO_MANY_SUBSCRIPTIONS only', async () => {
    const token = await server.token({ sub: 'watcher' });
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const streams = [1, 2, 3].map(() =>
      collect(client, 'subscription { pendingActionAdded { cursor } }'),
    );
    const fourth = collect(client, 'subscription { remediationActionUpdated { cursor } }');
    const [error] = (await fourth.untilError()) as { extensions?: { code?: string } }[];
    expect(error?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(streams.every((s) => s.received.errors.length === 0 && !s.received.completed)).toBe(
      true,
    );
    for (const s of streams) s.stop();
  });
});

describe('WebSockets per subject', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      rateLimits: { ...DEFAULT_RATE_LIMITS, maxWebSocketsPerSubject: 2 },
    });
  });
  afterAll(async () => server?.close());

  /** Opens a raw graphql-ws connection and resolves with `ack` or the close code. */
  async function connect(token: string): Promise<{ socket: WebSocket; outcome: string | number }> {
    const socket = new WebSocket(server.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    const outcome = await new Promise<string | number>((resolve) => {
      socket.once('message', (data) => resolve(JSON.parse(String(data)).type as string));
      socket.once('close', (code) => resolve(code));
    });
    return { socket, outcome };
  }

  it('closes a third socket of one subject with 1013 (try again later); others and later ones connect', async () => {
    const dave = await server.token({ sub: 'dave' });
    const first = await connect(dave);
    const secondSocket = await connect(dave);
    const third = await connect(dave);
    expect([first.outcome, secondSocket.outcome, third.outcome]).toEqual([
      'connection_ack',
      'connection_ack',
      1013,
    ]);
    expect((await connect(await server.token({ sub: 'erin' }))).outcome).toBe('connection_ack');
    first.socket.close();
    // The server frees the place when it sees the socket close, a moment after the client does.
    let again = await connect(dave);
    for (let tries = 0; again.outcome !== 'connection_ack' && tries < 50; tries++) {
      again = await connect(dave);
    }
    expect(again.outcome).toBe('connection_ack');
    for (const s of [secondSocket, again]) s.socket.close();
  });
});
