// No gap and no duplicate: across a server restart, and under many concurrent writers with
// subscribers that join late, replay, and bounce mid-stream. The log (SELECT of stream_events)
// is the reference every received cursor list is compared with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { appendActionEvents } from '../../src/events/append.js';
import { decodeCursor, encodeCursor, START_OF_LOG } from '../../src/events/cursor.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer } from '../support/server.js';
import { type DeviceRef, loggedIds, streamWriter } from '../support/stream-writer.js';
import { collect, idsOf, waitFor } from '../support/subscriptions.js';

const UPDATED = `subscription($after: String) { remediationActionUpdated(after: $after) { cursor status action { id status } } }`;
type Updated = {
  remediationActionUpdated: {
    cursor: string;
    status: string;
    action: { id: string; status: string };
  };
};

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
    const before = collect<Updated>(ws, UPDATED);
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
      const resumed = collect<Updated>(again, UPDATED, { after: seen.at(-1) });
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
      const fromStart = collect<Updated>(ws(), UPDATED);
      const bouncingClient = ws();
      const bouncing = collect<Updated>(bouncingClient, UPDATED);
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
      const replay = collect<Updated>(ws(), UPDATED, { after: START_OF_LOG });
      await waitFor(() => bouncing.received.data.length > 0, 'events on the bouncing subscriber');
      await bouncingClient.dispose();
      const firstHalf = cursorsOf(bouncing.received.data);
      const resumed = collect<Updated>(ws(), UPDATED, { after: firstHalf.at(-1) });

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
