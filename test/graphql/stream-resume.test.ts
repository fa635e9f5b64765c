// Resuming the action streams from a cursor (`after`): no gap and no duplicate across a server
// restart, under many concurrent writers with subscribers that join late, replay and bounce
// mid-stream, after a disconnect (with the reconnect's token), at and beyond the end of the log,
// over graphql-ws and SSE; malformed cursors are BAD_USER_INPUT naming `after`. The log (SELECT of
// stream_events) is the reference every received cursor list is compared with.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { appendActionEvents } from '../../src/events/append.js';
import { decodeCursor, encodeCursor, START_OF_LOG } from '../../src/events/cursor.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { GROUP_X, type StreamWorld, streamTenant, streamWorld } from '../support/stream-world.js';
import { type DeviceRef, loggedIds, streamWriter } from '../support/stream-writer.js';
import {
  ACTION_UPDATED,
  PENDING_ACTION_ADDED,
  type Pending,
  type StreamError,
  type Updated,
} from '../support/streams.js';
import { collect, idsOf, sseSubscribe, subscribers, waitFor } from '../support/subscriptions.js';

const TENANT = 'tenant-r';
let database: TestDatabase;
let direct: PrismaClient;
let device: DeviceRef;

beforeAll(async () => {
  database = await createTestDatabase();
  // A first server applies the migrations; the world is written through a client of our own,
  // which stays usable while servers come and go.
  const bootstrap = await startTestServer({ databaseUrl: database.url });
  await bootstrap.close();
  direct = createPrismaClient(database.adminUrl);
  const world = fixtures(direct, TENANT);
  await world.tenant();
  const group = await world.group('Resume group', 'SEMI_REQUIRE_APPROVAL_ANY');
  device = await world.device(group.id, 'r-01');
});
afterAll(async () => {
  await direct?.$disconnect();
  await database?.drop();
});

const cursorsOf = (events: Updated[]) => events.map((e) => e.remediationActionUpdated.cursor);

describe('resume across a server restart', () => {
  it('delivers the events committed while no server ran, then live ones, no gap and no duplicate', async () => {
    const writer = streamWriter(direct, TENANT);
    const first = await startTestServer({ databaseUrl: database.url });
    const closes: number[] = [];
    const ws = first.wsClient(
      { authorization: `Bearer ${await first.token({ tid: TENANT })}` },
      { on: { closed: (e) => closes.push((e as { code: number }).code) } },
    );
    const before = collect<Updated>(ws, ACTION_UPDATED);
    await waitFor(() => first.streams.stats(TENANT).liveSubscribers === 1, 'the subscriber');
    const start = await loggedIds(direct, TENANT).then((ids) => ids.at(-1) ?? 0n);
    await writer.pendingAction(device);
    await writer.pendingAction(device);
    const seen = cursorsOf(await before.untilCount(2));
    await first.close();
    expect(closes).toEqual([1012]); // Service Restart: graphql-ws clients reconnect on it

    const whileDown = [await writer.pendingAction(device), await writer.pendingAction(device)];
    await writer.setStatus([whileDown[0]!.id], 'IN_PROGRESS');

    const second = await startTestServer({ databaseUrl: database.url });
    try {
      const again = second.wsClient({
        authorization: `Bearer ${await second.token({ tid: TENANT })}`,
      });
      const resumed = collect<Updated>(again, ACTION_UPDATED, { after: seen.at(-1) });
      await resumed.untilCount(3);
      await writer.setStatus([whileDown[1]!.id], 'REJECTED');
      const cursors = [...seen, ...cursorsOf(await resumed.untilCount(4))];
      expect(idsOf(cursors)).toEqual(await loggedIds(direct, TENANT, start));
    } finally {
      await second.close();
    }
  });
});

describe('concurrent writers', () => {
  it('gives every subscriber exactly the log, in order, while 8 writers commit concurrently', async () => {
    const server = await startTestServer({ databaseUrl: database.url });
    try {
      const writers = 8;
      const rounds = 25;
      const writer = streamWriter(direct, TENANT);
      const owned: string[][] = [];
      for (let w = 0; w < writers; w++)
        owned.push([
          (await writer.pendingAction(device)).id,
          (await writer.pendingAction(device)).id,
        ]);
      const startOfRun = (await loggedIds(direct, TENANT)).at(-1)!;
      const token = await server.token({ tid: TENANT });
      const ws = () => server.wsClient({ authorization: `Bearer ${token}` });

      // Live from the start (no cursor), and one that will disconnect halfway and resume.
      const fromStart = collect<Updated>(ws(), ACTION_UPDATED);
      const bouncingClient = ws();
      const bouncing = collect<Updated>(bouncingClient, ACTION_UPDATED);
      await waitFor(
        () => server.streams.stats(TENANT).liveSubscribers === 2,
        'the first subscribers',
      );

      let roundsDone = 0;
      const writing = Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const ids = owned[w]!;
          for (let r = 0; r < rounds; r++) {
            const status = r % 2 ? 'PENDING_APPROVAL' : 'IN_PROGRESS';
            const fails = r % 7 === 3; // a rolled-back append leaves a hole in the id sequence, not in the log
            await direct
              .$transaction(async (tx) => {
                // Work before the append overlaps freely between writers; the append's lock
                // then orders the commits, so ids become visible in id order.
                await tx.$executeRaw`SELECT pg_sleep(${Math.random() * 0.004})`;
                const changed = await Promise.all(
                  ids.map((id) => tx.remediationAction.update({ where: { id }, data: { status } })),
                );
                await appendActionEvents(
                  tx,
                  changed.map((a) => ({
                    tenantId: TENANT,
                    actionId: a.id,
                    deviceGroupId: a.deviceGroupId,
                    deviceId: a.deviceId,
                    incidentId: a.incidentId,
                    actionType: a.type,
                    previousStatus: status === 'IN_PROGRESS' ? 'PENDING_APPROVAL' : 'IN_PROGRESS',
                    status,
                  })),
                );
                await tx.$executeRaw`SELECT pg_sleep(${Math.random() * 0.002})`;
                if (fails) throw new Error('rollback');
              })
              .catch((error: unknown) => {
                if (!(error instanceof Error && error.message === 'rollback')) throw error;
              });
            roundsDone++;
          }
        }),
      );

      // Halfway: a late subscriber replays the whole log while writers go on, and the bouncing
      // one leaves and comes back with its last cursor.
      await waitFor(() => roundsDone >= (writers * rounds) / 2, 'half of the rounds', 20_000);
      const replay = collect<Updated>(ws(), ACTION_UPDATED, { after: START_OF_LOG });
      await waitFor(() => bouncing.received.data.length > 0, 'events on the bouncing subscriber');
      await bouncingClient.dispose();
      const firstHalf = cursorsOf(bouncing.received.data);
      const resumed = collect<Updated>(ws(), ACTION_UPDATED, { after: firstHalf.at(-1) });

      await writing;
      const log = await loggedIds(direct, TENANT);
      const runLog = log.filter((id) => id > startOfRun);
      const last = log.at(-1)!;
      const reachedEnd = (events: Updated[]) =>
        events.length > 0 && decodeCursor(events.at(-1)!.remediationActionUpdated.cursor) === last;
      await waitFor(
        () => [fromStart, replay, resumed].every((s) => reachedEnd(s.received.data)),
        'every subscriber to reach the end of the log',
        15_000,
      );

      expect(runLog.length).toBeGreaterThan(writers * rounds); // ~2 events per committed round
      expect(idsOf(cursorsOf(fromStart.received.data))).toEqual(runLog);
      expect(idsOf(cursorsOf(replay.received.data))).toEqual(log);
      expect(idsOf([...firstHalf, ...cursorsOf(resumed.received.data)])).toEqual(runLog);
      for (const s of [fromStart, replay, resumed]) expect(s.received.errors).toEqual([]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('encodes cursors opaquely and round-trips them', () => {
    expect(decodeCursor(encodeCursor(123n))).toBe(123n);
    expect(encodeCursor(5n)).not.toContain('5');
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(encodeCursor(0n))).toBe(0n);
  });
});

describe('resume from a cursor on a running server', () => {
  let server: TestServer;
  let world: StreamWorld;
  beforeAll(async () => {
    server = await startTestServer();
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

  describe('after a disconnect', () => {
    it('delivers, after a disconnect, every event created while away, in order, once', async () => {
      const first = await client();
      const before = collect<Updated>(first, ACTION_UPDATED);
      await live(1);
      const a1 = await world.a.pendingAction(world.deviceX);
      await world.a.pendingAction(world.deviceY);
      const seen = (await before.untilCount(2)).map((e) => e.remediationActionUpdated.cursor);
      await first.dispose();
      await waitFor(
        () => server.streams.stats().subscribers === 0,
        'the first subscription to end',
      );

      // While away: five events, one of them a change of an earlier action.
      for (let i = 0; i < 4; i++)
        await world.a.pendingAction(i % 2 ? world.deviceX : world.deviceY);
      await world.a.setStatus([a1.id], 'REJECTED');

      const last = seen[1]!;
      const second = await client();
      const resumed = collect<Updated>(second, ACTION_UPDATED, { after: last });
      await resumed.untilCount(5);
      await world.a.pendingAction(world.deviceX); // and then live
      const cursors = (await resumed.untilCount(6)).map((e) => e.remediationActionUpdated.cursor);
      expect(idsOf(cursors)).toEqual(
        await loggedIds(server.prisma, 'tenant-a', decodeCursor(last)!),
      );
    });

    it('applies the token of the reconnect, not the first one: a narrowed scope replays only what it may read', async () => {
      const wide = await client();
      const before = collect<Updated>(wide, ACTION_UPDATED);
      await live(1);
      await world.a.pendingAction(world.deviceX);
      const [last] = (await before.untilCount(1)).map((e) => e.remediationActionUpdated.cursor);
      await wide.dispose();
      await waitFor(
        () => server.streams.stats().subscribers === 0,
        'the first subscription to end',
      );

      const x = [
        await world.a.pendingAction(world.deviceX),
        await world.a.pendingAction(world.deviceX),
      ];
      await world.a.pendingAction(world.deviceY);
      await world.a.pendingAction(world.deviceY);

      const narrow = await client({ groups: [GROUP_X] });
      const resumed = collect<Updated>(narrow, ACTION_UPDATED, { after: last });
      await world.a.pendingAction(world.deviceY); // live, out of scope
      const liveX = await world.a.pendingAction(world.deviceX);
      // A marker in scope, after everything: anything wrongly delivered would arrive before it.
      const marker = await world.a.pendingAction(world.deviceX);
      const events = await resumed.untilCount(4);
      expect(events.map((e) => e.remediationActionUpdated.action.deviceGroup.name)).toEqual([
        GROUP_X,
        GROUP_X,
        GROUP_X,
        GROUP_X,
      ]);
      expect(events.map((e) => e.remediationActionUpdated.action.id)).toEqual(
        [...x, liveX, marker].map((a) => globalId('RemediationAction', a.id)),
      );
    });

    it('replays the whole log from START_OF_LOG, then goes live', async () => {
      const ws = await client();
      const logged = await loggedIds(server.prisma, 'tenant-a');
      const replay = collect<Updated>(ws, ACTION_UPDATED, { after: START_OF_LOG });
      await replay.untilCount(logged.length);
      await world.a.pendingAction(world.deviceY);
      const cursors = (await replay.untilCount(logged.length + 1)).map(
        (e) => e.remediationActionUpdated.cursor,
      );
      expect(idsOf(cursors)).toEqual(await loggedIds(server.prisma, 'tenant-a'));
    });
  });

  describe('resume at and beyond the end of the log', () => {
    it('replays nothing from a cursor at the very end, then delivers the next event', async () => {
      const end = (await loggedIds(server.prisma, 'tenant-a')).at(-1)!;
      const sub = collect<Updated>(await client(), ACTION_UPDATED, { after: encodeCursor(end) });
      await live(1);
      const next = await world.a.pendingAction(world.deviceX);
      const events = await sub.untilCount(1);
      expect(events.map((e) => e.remediationActionUpdated.action.id)).toEqual([actionId(next.id)]);
    });

    it("does not let a forged cursor beyond the end of the log stall the tenant's stream for itself or anyone else", async () => {
      // A tenant of its own: the forged subscriber is the first one of its feed.
      const tenant = 'tenant-adv-forged';
      const { device, writer } = await streamTenant(server.prisma, tenant, 'Forged group');
      await writer.pendingAction(device);

      const forged = collect<Updated>(await client({ tid: tenant }), ACTION_UPDATED, {
        after: encodeCursor(2n ** 62n),
      });
      await live(1, tenant);
      const honest = collect<Updated>(await client({ tid: tenant }), ACTION_UPDATED);
      const honestSse = sseSubscribe<Updated>(
        server.graphqlUrl,
        await server.token({ tid: tenant }),
        ACTION_UPDATED,
      );
      openSse.push(honestSse);
      await waitFor(() => server.streams.stats(tenant).subscribers === 3, 'three subscribers');

      const next = await writer.pendingAction(device);
      for (const s of [honest, forged, honestSse]) {
        const events = await s.untilCount(1);
        expect(events.map((e) => e.remediationActionUpdated.action.id)).toEqual([
          actionId(next.id),
        ]);
      }
      expect(forged.received.errors).toEqual([]);
    });

    it('resumes over SSE with `after`: the missed events once, in order, then live', async () => {
      const token = await server.token();
      const first = sseSubscribe<Updated>(server.graphqlUrl, token, ACTION_UPDATED);
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
      const resumed = sseSubscribe<Updated>(server.graphqlUrl, token, ACTION_UPDATED, {
        after: cursor,
      });
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
        const [error] = (await collect<Pending>(ws, PENDING_ACTION_ADDED, {
          after,
        }).untilError()) as StreamError[];
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
        const sse = sseSubscribe<Pending>(server.graphqlUrl, token, PENDING_ACTION_ADDED, {
          after,
        });
        openSse.push(sse);
        await sse.done;
        const [error] = sse.received.errors as StreamError[];
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
});
