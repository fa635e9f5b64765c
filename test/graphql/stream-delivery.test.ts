// The action streams over real servers and real graphql-ws / SSE clients: live delivery, filters,
// a dashboard starting up from actionStreamCursor, and the fan-out cost of one event. Scope:
// stream-scope.test.ts; resume: stream-resume.test.ts; connections: stream-connection.test.ts.
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeCursor } from '../../src/events/cursor.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { GROUP_X, GROUP_Y, type StreamWorld, streamWorld } from '../support/stream-world.js';
import { loggedIds } from '../support/stream-writer.js';
import {
  ACTION_UPDATED,
  PENDING_ACTION_ADDED,
  type Pending,
  type Updated,
} from '../support/streams.js';
import { collect, idsOf, sseSubscribe, subscribers, waitFor } from '../support/subscriptions.js';

let server: TestServer;
let world: StreamWorld;
let recording: string[] | null = null;

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => recording?.push(sql) });
  world = await streamWorld(server.prisma);
});
afterAll(() => server?.close());

const ws = subscribers(() => server);
const { client, live } = ws;
afterEach(async () => {
  await ws.disposeAll();
  await waitFor(() => server.streams.stats().subscribers === 0, 'subscriptions to end');
});

const actionId = (id: string) => globalId('RemediationAction', id);

describe('live delivery', () => {
  it('streams a new pending action to pendingActionAdded and each status change to remediationActionUpdated', async () => {
    const ws = await client();
    const pending = collect<Pending>(ws, PENDING_ACTION_ADDED);
    const updates = collect<Updated>(ws, ACTION_UPDATED);
    await live(2);

    const first = await world.a.pendingAction(world.deviceX);
    await world.a.setStatus([first.id], 'IN_PROGRESS');
    const marker = await world.a.pendingAction(world.deviceY);

    const [added, markerAdded] = (await pending.untilCount(2)).map((e) => e.pendingActionAdded);
    expect(added).toMatchObject({
      previousStatus: null,
      status: 'PENDING_APPROVAL',
      action: {
        id: actionId(first.id),
        type: 'QUARANTINE_FILE',
        device: { hostname: 'x-01' },
        deviceGroup: { name: GROUP_X },
      },
    });
    expect(new Date(added!.occurredAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // The IN_PROGRESS change is not a pending action: the next pending event is the marker.
    expect(markerAdded!.action.id).toBe(actionId(marker.id));

    const changes = (await updates.untilCount(3)).map((e) => e.remediationActionUpdated);
    expect(changes.map((c) => [c.action.id, c.previousStatus, c.status])).toEqual([
      [actionId(first.id), null, 'PENDING_APPROVAL'],
      [actionId(first.id), 'PENDING_APPROVAL', 'IN_PROGRESS'],
      [actionId(marker.id), null, 'PENDING_APPROVAL'],
    ]);
    expect(changes[1]!.action.status).toBe('IN_PROGRESS');
    expect(idsOf(changes.map((c) => c.cursor))).toEqual(
      [...idsOf(changes.map((c) => c.cursor))].sort((x, y) => (x < y ? -1 : 1)),
    );
  });

  it('starts at the current end of the log when no cursor is given', async () => {
    await world.a.pendingAction(world.deviceX); // before subscribing: not delivered
    const ws = await client();
    const pending = collect<Pending>(ws, PENDING_ACTION_ADDED);
    await live(1);
    const after = await world.a.pendingAction(world.deviceX);
    const [event] = await pending.untilCount(1);
    expect(event!.pendingActionAdded.action.id).toBe(actionId(after.id));
  });

  it('delivers over SSE with the Authorization header', async () => {
    const sse = sseSubscribe<Pending>(
      server.graphqlUrl,
      await server.token(),
      PENDING_ACTION_ADDED,
    );
    await live(1);
    const action = await world.a.pendingAction(world.deviceY);
    const [event] = await sse.untilCount(1);
    expect(event!.pendingActionAdded.action).toMatchObject({
      id: actionId(action.id),
      deviceGroup: { name: GROUP_Y },
    });
    expect(sse.received.status).toBe(200);
    sse.stop();
    await sse.done;
  });

  it('refuses an SSE subscription without a token', async () => {
    const sse = sseSubscribe<Pending>(server.graphqlUrl, null, PENDING_ACTION_ADDED);
    await sse.done;
    expect(sse.received.data).toEqual([]);
    expect(
      sse.received.status === 401 ||
        JSON.stringify(sse.received.errors).includes('UNAUTHENTICATED'),
    ).toBe(true);
  });
});

describe('filters', () => {
  it('filters by device group, action type and incident', async () => {
    const ws = await client();
    const byGroup = collect<Pending>(ws, PENDING_ACTION_ADDED, {
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupX.id)] },
    });
    const byType = collect<Pending>(ws, PENDING_ACTION_ADDED, {
      filter: { types: ['KILL_PROCESS'] },
    });
    const byIncident = collect<Pending>(ws, PENDING_ACTION_ADDED, {
      filter: { incidentId: globalId('Incident', world.incidentY.id) },
    });
    const emptyGroups = collect<Pending>(ws, PENDING_ACTION_ADDED, {
      filter: { deviceGroupIds: [] },
    });
    await live(4);

    const xQuarantine = await world.a.pendingAction(world.deviceX);
    const yKill = await world.a.pendingAction(world.deviceY, { type: 'KILL_PROCESS' });
    const yIncident = await world.a.pendingAction(world.deviceY, {
      incidentId: world.incidentY.id,
    });
    // Matches every filter but the empty one; once it arrives, everything before it was decided.
    const all = await world.a.pendingAction(world.deviceX, {
      type: 'KILL_PROCESS',
      incidentId: world.incidentY.id,
    });

    const ids = async (c: ReturnType<typeof collect<Pending>>, n: number) =>
      (await c.untilCount(n)).map((e) => e.pendingActionAdded.action.id);
    expect(await ids(byGroup, 2)).toEqual([xQuarantine, all].map((a) => actionId(a.id)));
    expect(await ids(byType, 2)).toEqual([yKill, all].map((a) => actionId(a.id)));
    expect(await ids(byIncident, 2)).toEqual([yIncident, all].map((a) => actionId(a.id)));
    expect(emptyGroups.received).toMatchObject({ data: [], errors: [] });
  });

  it('refuses a filter id of the wrong type and a malformed cursor as BAD_USER_INPUT', async () => {
    const ws = await client();
    const wrongType = collect<Pending>(ws, PENDING_ACTION_ADDED, {
      filter: { deviceGroupIds: [globalId('Device', world.deviceX.id)] },
    });
    const badCursor = collect<Pending>(ws, PENDING_ACTION_ADDED, { after: 'not-a-cursor' });
    for (const sub of [wrongType, badCursor]) {
      const [error] = (await sub.untilError()) as { extensions?: { code?: string } }[];
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('a dashboard starting up', () => {
  it('reads actionStreamCursor, loads the Pending tab, subscribes from the cursor, and misses nothing in between', async () => {
    const bearer = await server.token();
    const { actionStreamCursor } = await server.gqlData('{ actionStreamCursor }', {}, bearer);
    expect(decodeCursor(actionStreamCursor)).toBe(
      (await loggedIds(server.prisma, 'tenant-a')).at(-1) ?? 0n,
    );
    // Changes land while the dashboard loads its tab and before it subscribes.
    const during = [
      await world.a.pendingAction(world.deviceX),
      await world.a.pendingAction(world.deviceY),
    ];
    const ws = await client();
    const stream = collect<Pending>(ws, PENDING_ACTION_ADDED, { after: actionStreamCursor });
    const later = await world.a.pendingAction(world.deviceX);
    await stream.untilCount(3);
    expect(stream.received.data.map((e) => e.pendingActionAdded.action.id)).toEqual(
      [...during, later].map((a) => actionId(a.id)),
    );
    // Another tenant's cursor says nothing of tenant A.
    const b = await server.gqlData(
      '{ actionStreamCursor }',
      {},
      await server.token({ tid: 'tenant-b' }),
    );
    expect(decodeCursor(b.actionStreamCursor)).toBe(
      (await loggedIds(server.prisma, 'tenant-b')).at(-1) ?? 0n,
    );
  });
});

describe('fan-out', () => {
  it('reads the log once per event for all subscribers, and loads the action once per scope and selection', async () => {
    const subscribers = 25;
    const subscriptions = [];
    for (let i = 0; i < 5; i++) {
      const ws = await client();
      for (let j = 0; j < subscribers / 5; j++)
        subscriptions.push(collect<Pending>(ws, PENDING_ACTION_ADDED));
    }
    await live(subscribers);
    recording = [];
    await world.a.pendingAction(world.deviceX);
    await Promise.all(subscriptions.map((s) => s.untilCount(1)));
    const statements = recording;
    recording = null;
    // The periodic catch-up (one statement for all tenants, with unnest) may tick in between.
    const logReads = statements.filter(
      (sql) => sql.includes('stream_events') && !sql.includes('unnest') && /^\s*SELECT/i.test(sql),
    );
    const actionLoads = statements.filter(
      (sql) => /^\s*SELECT/i.test(sql) && /FROM "public"\."remediation_actions"/.test(sql),
    );
    expect(logReads).toHaveLength(1);
    expect(actionLoads).toHaveLength(1);
  });

  it('sends each subscriber a text frame of its own id and the same payload bytes as its group', async () => {
    const first = await rawSubscriber('first-operation');
    const second = await rawSubscriber('2');
    await live(2);
    const action = await world.a.pendingAction(world.deviceX);
    await waitFor(() => first.nexts().length > 0 && second.nexts().length > 0, 'both next frames');

    const [a] = first.nexts();
    const [b] = second.nexts();
    // A binary frame would reach a browser's graphql-ws client as a Blob it cannot parse.
    expect([a!.binary, b!.binary]).toEqual([false, false]);
    const messageA = JSON.parse(a!.text);
    expect(messageA).toMatchObject({
      id: 'first-operation',
      type: 'next',
      payload: { data: { pendingActionAdded: { action: { id: actionId(action.id) } } } },
    });
    expect(JSON.parse(b!.text)).toEqual({ ...messageA, id: '2' });
    const payloadOf = (text: string) => text.slice(text.indexOf('"payload":'));
    expect(payloadOf(b!.text)).toBe(payloadOf(a!.text));
    first.socket.close();
    second.socket.close();
  });
});

/** A graphql-transport-ws client on a raw socket: the frames as the server wrote them. */
async function rawSubscriber(id: string) {
  const socket = new WebSocket(server.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const frames: { text: string; binary: boolean }[] = [];
  socket.on('message', (data, binary) => frames.push({ text: String(data), binary }));
  await once(socket, 'open');
  const authorization = `Bearer ${await server.token({})}`;
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  await waitFor(() => frames.length > 0, 'connection_ack');
  socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: PENDING_ACTION_ADDED } }));
  const nexts = () => frames.filter((f) => JSON.parse(f.text).type === 'next');
  return { socket, nexts };
}
