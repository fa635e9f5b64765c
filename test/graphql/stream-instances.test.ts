// Two server processes on one database behave as one: instance B runs in a child process and
// shares nothing with instance A (this test process) but PostgreSQL. Changes made through A reach
// subscribers on B, and the other way round.
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeCursor } from '../../src/events/cursor.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { spawnServer } from '../support/spawn-server.js';
import { type DeviceRef, streamWriter } from '../support/stream-writer.js';
import { ACTION_UPDATED, type Updated } from '../support/streams.js';
import { collect, waitFor } from '../support/subscriptions.js';

const TENANT = 'tenant-i';
let database: TestDatabase;
let a: TestServer;
let b: Awaited<ReturnType<typeof spawnServer>>;
let device: DeviceRef;
const clients: Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  a = await startTestServer({ databaseUrl: database.url });
  b = await spawnServer(database.url);
  const world = fixtures(a.prisma, TENANT);
  await world.tenant();
  device = await world.device((await world.group('Instances', 'SEMI_REQUIRE_APPROVAL_ANY')).id);
}, 30_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await b?.close();
  await a?.close();
  await database?.drop();
});

async function subscribeOnB() {
  const client = createClient({
    url: b.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${await a.token({ tid: TENANT })}` },
    retryAttempts: 0,
  });
  clients.push(client);
  // Subscribing "after the current end" makes the test independent of when B registers it.
  const end =
    (await a.prisma.streamEvent.findFirst({ where: { tenantId: TENANT }, orderBy: { id: 'desc' } }))
      ?.id ?? 0n;
  return collect<Updated>(client, ACTION_UPDATED, { after: encodeCursor(end) });
}

describe('two instances on one database', () => {
  it('delivers a change committed by instance A to a subscriber on instance B', async () => {
    const onB = await subscribeOnB();
    const action = await streamWriter(a.prisma, TENANT).pendingAction(device);
    const [event] = await onB.untilCount(1);
    expect(event!.remediationActionUpdated).toMatchObject({
      status: 'PENDING_APPROVAL',
      action: { id: globalId('RemediationAction', action.id) },
    });
  });

  it("delivers an action approved through instance A's API to a subscriber on instance B", async () => {
    const action = await streamWriter(a.prisma, TENANT).pendingAction(device);
    const onB = await subscribeOnB();
    const result = await a.gqlData<{
      approveRemediationActions: { outcomes: { error: unknown }[] };
    }>(
      `mutation($input: DecideRemediationActionsInput!) { approveRemediationActions(input: $input) { outcomes { id error { code } } } }`,
      { input: { ids: [globalId('RemediationAction', action.id)], comment: 'approved on A' } },
      await a.token({ tid: TENANT, sub: 'approver-on-a' }),
    );
    expect(result.approveRemediationActions.outcomes[0]?.error).toBeNull();
    const [event] = await onB.untilCount(1);
    expect(event!.remediationActionUpdated).toMatchObject({
      previousStatus: 'PENDING_APPROVAL',
      status: 'IN_PROGRESS',
      action: { id: globalId('RemediationAction', action.id), decidedBy: 'approver-on-a' },
    });
  });

  it('delivers the other way too: approved through instance B, seen by a subscriber on A', async () => {
    const action = await streamWriter(a.prisma, TENANT).pendingAction(device);
    const onA = collect<Updated>(
      a.wsClient({ authorization: `Bearer ${await a.token({ tid: TENANT })}` }),
      ACTION_UPDATED,
    );
    await waitFor(() => a.streams.stats(TENANT).liveSubscribers === 1, 'the subscriber on A');
    const response = await fetch(b.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await a.token({ tid: TENANT, sub: 'approver-on-b' })}`,
      },
      body: JSON.stringify({
        query: `mutation($input: DecideRemediationActionsInput!) { approveRemediationActions(input: $input) { outcomes { id error { code } } } }`,
        variables: { input: { ids: [globalId('RemediationAction', action.id)] } },
      }),
    });
    expect((await response.json()) as unknown).toMatchObject({
      data: { approveRemediationActions: { outcomes: [{ error: null }] } },
    });
    const [event] = await onA.untilCount(1);
    expect(event!.remediationActionUpdated).toMatchObject({
      status: 'IN_PROGRESS',
      action: { id: globalId('RemediationAction', action.id), decidedBy: 'approver-on-b' },
    });
  });
});
