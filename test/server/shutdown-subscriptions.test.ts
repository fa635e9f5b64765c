// Shutdown in order, seen from the clients: subscriptions are told to reconnect (1012) while a
// request already in flight is still answered in full.
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { developmentTokenSettings, signToken } from '../../src/auth/tokens.js';
import { SERVICE_RESTART } from '../../src/server/app.js';
import { startQuell } from '../../src/server/start.js';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/subscriptions.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let server: Awaited<ReturnType<typeof startQuell>>;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startQuell({ databaseUrl: database.url, port: 0, shutdownGraceMs: 120_000 });
}, 120_000);
afterAll(() => database?.drop());

const token = () =>
  signToken(
    { sub: 'tester', tid: 'shutdown-ws', roles: ['admin'], groups: '*' },
    developmentTokenSettings().secret!,
  );

/** A POST whose headers reached the server (it answered 100 Continue) and whose body has not. */
async function startRequestWithoutBody(graphqlUrl: string, bearer: string) {
  const body = JSON.stringify({ query: '{ remediationActions(first: 1) { totalCount } }' });
  const req = request(graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${bearer}`,
      expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
  });
  await new Promise<void>((resolve) => req.once('continue', resolve));
  return { finish: () => req.end(body), response };
}

/** Open subscriptions as /metrics reports them. */
async function openSubscriptions(): Promise<number> {
  const metric = await server.metrics.getSingleMetric('quell_subscriptions_open')?.get();
  return metric?.values[0]?.value ?? 0;
}

describe('shutdown', () => {
  it('closes subscriptions with 1012 and still answers the request in flight', async () => {
    const bearer = await token();
    const closeCodes: number[] = [];
    const subscriptionErrors: unknown[] = [];
    const client = createClient({
      url: server.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bearer}` },
      retryAttempts: 0,
      on: { closed: (event) => closeCodes.push((event as { code: number }).code) },
    });
    client.subscribe(
      { query: 'subscription { pendingActionAdded { cursor } }' },
      {
        next: () => undefined,
        error: (error) => subscriptionErrors.push(error),
        complete: () => {},
      },
    );
    await waitFor(
      async () => (await openSubscriptions()) === 1,
      'the subscription to open',
      30_000,
    );
    const inFlight = await startRequestWithoutBody(server.graphqlUrl, bearer);

    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await waitFor(() => closeCodes.length > 0, 'the socket to close', 30_000);
    expect(closeCodes).toEqual([SERVICE_RESTART]);
    expect(subscriptionErrors).toHaveLength(1);
    // The server waits for the request it had accepted before it stops.
    expect(closed).toBe(false);

    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({
      data: { remediationActions: { totalCount: 0 } },
    });
    await closing;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow(); // no longer accepting
    await client.dispose();
  }, 120_000);
});
