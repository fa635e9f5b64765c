// The action streams over real servers and real graphql-ws / SSE clients: live delivery, filters,
// scope, resume after a disconnect, replay, bad arguments, and the fan-out cost of one event.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, START_OF_LOG } from '../../src/events/cursor.js';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { loggedIds, streamWriter } from '../support/stream-writer.js';
import { collect, idsOf, sseSubscribe, subscribers, waitFor } from '../support/subscriptions.js';

const FIELDS = `cursor occurredAt previousStatus status action { id type status device { hostname } deviceGroup { name } }`;
const PENDING = `subscription($filter: ActionStreamFilter, $after: String) { pendingActionAdded(filter: $filter, after: $after) { ${FIELDS} } }`;
const UPDATED = `subscription($filter: ActionStreamFilter, $after: String) { remediationActionUpdated(filter: $filter, after: $after) { ${FIELDS} } }`;

interface Event {
  cursor: string;
  occurredAt: string;
  previousStatus: string | null;
  status: string;
  action: {
    id: string;
    type: string;
    status: string;
    device: { hostname: string };
    deviceGroup: { name: string };
  };
}
type Pending = { pendingActionAdded: Event };
type Updated = { remediationActionUpdated: Event };

let server: TestServer;
let world: Awaited<ReturnType<typeof buildWorld>>;
let recording: string[] | null = null;

async function buildWorld() {
  const a = fixtures(server.prisma, 'tenant-a');
  await a.tenant();
  const groupX = await a.group('Servers X', 'SEMI_REQUIRE_APPROVAL_ANY');
  const groupY = await a.group('Laptops Y', 'SEMI_REQUIRE_APPROVAL_ANY');
  const deviceX = await a.device(groupX.id, 'x-01');
  const deviceY = await a.device(groupY.id, 'y-01');
  const incident = await a.incident([deviceY], { title: 'On Y' });
  const b = fixtures(server.prisma, 'tenant-b');
  await b.tenant();
  const groupB = await b.group('B servers');
  const deviceB = await b.device(groupB.id, 'b-01');
  return {
    groupX,
    groupY,
    deviceX,
    deviceY,
    incident: incident.incident,
    deviceB,
    a: streamWriter(server.prisma, 'tenant-a'),
    b: streamWriter(server.prisma, 'tenant-b'),
  };
}

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => recording?.push(sql) });
  world = await buildWorld();
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
    const pending = collect<Pending>(ws, PENDING);
    const updates = collect<Updated>(ws, UPDATED);
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
        deviceGroup: { name: 'Servers X' },
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
    const pending = collect<Pending>(ws, PENDING);
    await live(1);
    const after = await world.a.pendingAction(world.deviceX);
    const [event] = await pending.untilCount(1);
    expect(event!.pendingActionAdded.action.id).toBe(actionId(after.id));
  });

  it('delivers over SSE with the Authorization header', async () => {
    const sse = sseSubscribe<Pending>(server.graphqlUrl, await server.token(), PENDING);
    await live(1);
    const action = await world.a.pendingAction(world.deviceY);
    const [event] = await sse.untilCount(1);
    expect(event!.pendingActionAdded.action).toMatchObject({
      id: actionId(action.id),
      deviceGroup: { name: 'Laptops Y' },
    });
    expect(sse.received.status).toBe(200);
    sse.stop();
    await sse.done;
  });

  it('refuses an SSE subscription without a token', async () => {
    const sse = sseSubscribe<Pending>(server.graphqlUrl, null, PENDING);
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
    const byGroup = collect<Pending>(ws, PENDING, {
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupX.id)] },
    });
    const byType = collect<Pending>(ws, PENDING, { filter: { types: ['KILL_PROCESS'] } });
    const byIncident = collect<Pending>(ws, PENDING, {
      filter: { incidentId: globalId('Incident', world.incident.id) },
    });
    const emptyGroups = collect<Pending>(ws, PENDING, { filter: { deviceGroupIds: [] } });
    await live(4);

    const xQuarantine = await world.a.pendingAction(world.deviceX);
    const yKill = await world.a.pendingAction(world.deviceY, { type: 'KILL_PROCESS' });
    const yIncident = await world.a.pendingAction(world.deviceY, { incidentId: world.incident.id });
    // Matches every filter but the empty one; once it arrives, everything before it was decided.
    const all = await world.a.pendingAction(world.deviceX, {
      type: 'KILL_PROCESS',
      incidentId: world.incident.id,
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
    const wrongType = collect<Pending>(ws, PENDING, {
      filter: { deviceGroupIds: [globalId('Device', world.deviceX.id)] },
    });
    const badCursor = collect<Pending>(ws, PENDING, { after: 'not-a-cursor' });
    for (const sub of [wrongType, badCursor]) {
      const [error] = (await sub.untilError()) as { extensions?: { code?: string } }[];
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('scope', () => {
  it('never delivers an event of a group the token may not read, nor of another tenant, and names nothing', async () => {
    const limited = await client({ roles: ['viewer'], groups: ['Servers X'] });
    const onlyX = collect<Pending>(limited, PENDING);
    const askingForY = collect<Pending>(limited, PENDING, {
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupY.id)] },
    });
    const otherTenant = await client({ tid: 'tenant-b' });
    const tenantB = collect<Updated>(otherTenant, UPDATED, { after: START_OF_LOG });
    await live(2);
    await live(1, 'tenant-b');

    await world.a.pendingAction(world.deviceY);
    const visible = await world.a.pendingAction(world.deviceX);
    const inB = await world.b.pendingAction(world.deviceB);

    const [seen] = await onlyX.untilCount(1);
    expect(seen!.pendingActionAdded.action.id).toBe(actionId(visible.id));
    const [fromB] = await tenantB.untilCount(1);
    expect(fromB!.remediationActionUpdated.action.id).toBe(actionId(inB.id));
    // Y's event was dispatched before X's; by now it has been considered and dropped.
    expect(onlyX.received.data).toHaveLength(1);
    expect(askingForY.received).toMatchObject({ data: [], errors: [] });
    // Tenant B replayed its whole log: one event, none of tenant A's.
    expect(tenantB.received.data).toHaveLength(1);
  });

  it('refuses a subscription to a token without a reading role', async () => {
    const ws = await client({ roles: ['agent'] });
    const [error] = (await collect<Pending>(ws, PENDING).untilError()) as {
      extensions?: { code?: string };
    }[];
    expect(error?.extensions?.code).toBe('FORBIDDEN');
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
    const stream = collect<Pending>(ws, PENDING, { after: actionStreamCursor });
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

describe('resume', () => {
  it('delivers, after a disconnect, every event created while away, in order, once', async () => {
    const first = await client();
    const before = collect<Updated>(first, UPDATED);
    await live(1);
    const a1 = await world.a.pendingAction(world.deviceX);
    await world.a.pendingAction(world.deviceY);
    const seen = (await before.untilCount(2)).map((e) => e.remediationActionUpdated.cursor);
    await first.dispose();
    await waitFor(() => server.streams.stats().subscribers === 0, 'the first subscription to end');

    // While away: five events, one of them a change of an earlier action.
    for (let i = 0; i < 4; i++) await world.a.pendingAction(i % 2 ? world.deviceX : world.deviceY);
    await world.a.setStatus([a1.id], 'REJECTED');

    const last = seen[1]!;
    const second = await client();
    const resumed = collect<Updated>(second, UPDATED, { after: last });
    await resumed.untilCount(5);
    await world.a.pendingAction(world.deviceX); // and then live
    const cursors = (await resumed.untilCount(6)).map((e) => e.remediationActionUpdated.cursor);
    expect(idsOf(cursors)).toEqual(await loggedIds(server.prisma, 'tenant-a', decodeCursor(last)!));
  });

  it('applies the token of the reconnect, not the first one: a narrowed scope replays only what it may read', async () => {
    const wide = await client();
    const before = collect<Updated>(wide, UPDATED);
    await live(1);
    await world.a.pendingAction(world.deviceX);
    const [last] = (await before.untilCount(1)).map((e) => e.remediationActionUpdated.cursor);
    await wide.dispose();
    await waitFor(() => server.streams.stats().subscribers === 0, 'the first subscription to end');

    const x = [
      await world.a.pendingAction(world.deviceX),
      await world.a.pendingAction(world.deviceX),
    ];
    await world.a.pendingAction(world.deviceY);
    await world.a.pendingAction(world.deviceY);

    const narrow = await client({ groups: ['Servers X'] });
    const resumed = collect<Updated>(narrow, UPDATED, { after: last });
    await world.a.pendingAction(world.deviceY); // live, out of scope
    const liveX = await world.a.pendingAction(world.deviceX);
    // A marker in scope, after everything: anything wrongly delivered would arrive before it.
    const marker = await world.a.pendingAction(world.deviceX);
    const events = await resumed.untilCount(4);
    expect(events.map((e) => e.remediationActionUpdated.action.deviceGroup.name)).toEqual([
      'Servers X',
      'Servers X',
      'Servers X',
      'Servers X',
    ]);
    expect(events.map((e) => e.remediationActionUpdated.action.id)).toEqual(
      [...x, liveX, marker].map((a) => globalId('RemediationAction', a.id)),
    );
  });

  it('replays the whole log from START_OF_LOG, then goes live', async () => {
    const ws = await client();
    const logged = await loggedIds(server.prisma, 'tenant-a');
    const replay = collect<Updated>(ws, UPDATED, { after: START_OF_LOG });
    await replay.untilCount(logged.length);
    await world.a.pendingAction(world.deviceY);
    const cursors = (await replay.untilCount(logged.length + 1)).map(
      (e) => e.remediationActionUpdated.cursor,
    );
    expect(idsOf(cursors)).toEqual(await loggedIds(server.prisma, 'tenant-a'));
  });
});

describe('fan-out', () => {
  it('reads the log once per event for all subscribers, and loads the action once per scope and selection', async () => {
    const subscribers = 25;
    const subscriptions = [];
    for (let i = 0; i < 5; i++) {
      const ws = await client();
      for (let j = 0; j < subscribers / 5; j++) subscriptions.push(collect<Pending>(ws, PENDING));
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
});
