// Scope on the action streams (SPEC §5): a subscriber gets only events of its tenant and of the
// groups its token may read, whatever filter or cursor it sends, and an event is refetched in the
// subscriber's current scope (an action that moved groups). "Nothing else arrived" is shown by a
// marker event the subscriber may see, delivered after the ones it may not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor, START_OF_LOG } from '../../src/events/cursor.js';
import { fixtures } from '../support/fixtures.js';
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
import { collect, idsOf, subscribers, waitFor } from '../support/subscriptions.js';

let server: TestServer;
let world: StreamWorld;
beforeAll(async () => {
  server = await startTestServer();
  world = await streamWorld(server.prisma);
});
afterAll(() => server?.close());

const sockets = subscribers(() => server);
const { client, live } = sockets;
afterEach(async () => {
  await sockets.disposeAll();
  await waitFor(() => server.streams.stats().subscribers === 0, 'subscriptions to end');
});

const actionId = (id: string) => globalId('RemediationAction', id);

// First: it counts tenant B's whole log, which the tests below add to.
describe('scope of the token: its groups, its tenant, a reading role', () => {
  it('never delivers an event of a group the token may not read, nor of another tenant, and names nothing', async () => {
    const limited = await client({ roles: ['viewer'], groups: [GROUP_X] });
    const onlyX = collect<Pending>(limited, PENDING_ACTION_ADDED);
    const askingForY = collect<Pending>(limited, PENDING_ACTION_ADDED, {
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupY.id)] },
    });
    const otherTenant = await client({ tid: 'tenant-b' });
    const tenantB = collect<Updated>(otherTenant, ACTION_UPDATED, { after: START_OF_LOG });
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
    const [error] = (await collect<Pending>(ws, PENDING_ACTION_ADDED).untilError()) as {
      extensions?: { code?: string };
    }[];
    expect(error?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('scope against hostile filters and cursors', () => {
  it("delivers nothing when the filter names another tenant's group or incident, or a group the token may not read", async () => {
    const wide = await client();
    const limited = await client({ roles: ['viewer'], groups: [GROUP_X] });
    const foreignGroup = collect<Pending>(wide, PENDING_ACTION_ADDED, {
      filter: { deviceGroupIds: [globalId('DeviceGroup', world.groupB.id)] },
    });
    const foreignIncident = collect<Pending>(wide, PENDING_ACTION_ADDED, {
      filter: { incidentId: globalId('Incident', world.incidentB.id) },
    });
    const unreadable = collect<Pending>(limited, PENDING_ACTION_ADDED, {
      filter: {
        deviceGroupIds: [
          globalId('DeviceGroup', world.groupY.id),
          globalId('DeviceGroup', world.groupB.id),
        ],
      },
    });
    const witness = collect<Pending>(limited, PENDING_ACTION_ADDED); // same tenant, sees X only
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
    // Tenant B's newest cursor. Positions are per tenant: as a position in A's log it may lie
    // anywhere (before A's end here), so A's events after it are computed, not assumed.
    const bAction = await world.b.pendingAction(world.deviceB);
    const bWs = await client({ tid: 'tenant-b' });
    const bReplay = collect<Updated>(bWs, ACTION_UPDATED, { after: START_OF_LOG });
    const bEvents = await bReplay.untilCount((await loggedIds(server.prisma, 'tenant-b')).length);
    const bCursor = bEvents.at(-1)!.remediationActionUpdated.cursor;
    expect(bEvents.at(-1)!.remediationActionUpdated.action.id).toBe(actionId(bAction.id));
    // And one of B's oldest cursors, which lies inside A's log.
    const bFirstCursor = bEvents[0]!.remediationActionUpdated.cursor;

    const aWs = await client();
    const withNewest = collect<Updated>(aWs, ACTION_UPDATED, { after: bCursor });
    const withOldest = collect<Updated>(aWs, ACTION_UPDATED, { after: bFirstCursor });
    const aAction = await world.a.pendingAction(world.deviceX);
    const expectedOldest = await loggedIds(server.prisma, 'tenant-a', idsOf([bFirstCursor])[0]!);
    const expectedNewest = await loggedIds(server.prisma, 'tenant-a', idsOf([bCursor])[0]!);
    const newest = await withNewest.untilCount(expectedNewest.length);
    const oldest = await withOldest.untilCount(expectedOldest.length);
    expect(idsOf(newest.map((e) => e.remediationActionUpdated.cursor))).toEqual(expectedNewest);
    expect(newest.at(-1)!.remediationActionUpdated.action.id).toBe(actionId(aAction.id));
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
      await client({ roles: ['viewer'], groups: [GROUP_X] }),
      ACTION_UPDATED,
      { after: encodeCursor(start) },
    );
    const onlyY = collect<Updated>(
      await client({ roles: ['viewer'], groups: [GROUP_Y] }),
      ACTION_UPDATED,
      { after: encodeCursor(start) },
    );
    const wide = collect<Updated>(await client(), ACTION_UPDATED, {
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
      [actionId(moved.id), GROUP_Y],
      [actionId(stays.id), GROUP_X],
    ]);
    // Y's marker arrived after the replay: the X reader has decided on everything before it.
    expect(onlyX.received.data).toHaveLength(1);
    expect(onlyY.received.data).toHaveLength(1);
  });
});
