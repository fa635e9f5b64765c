// Why a reader may advance its position to the largest id it has seen.
//
// Ids come from a sequence when a row is inserted, but become visible when the inserting
// transaction commits, so without care a reader can see id N+1 while N is still uncommitted and
// skip N for good (first test). appendActionEvents (src/events/append.ts) takes a per-tenant
// transaction lock before inserting; the lock is held until after the commit is visible, so a
// tenant's ids are drawn in commit order and a snapshot showing id N shows every smaller id of
// that tenant (second and third tests). Every stream reader (src/events/event-log.ts) relies on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/db/client.js';
import { type ActionStatusChange, appendActionEvents } from '../../src/events/append.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { loggedIds } from '../support/stream-writer.js';
import { waitFor } from '../support/subscriptions.js';

let server: TestServer;
let prisma: PrismaClient;
let change: (tenantId: string) => ActionStatusChange;

beforeAll(async () => {
  server = await startTestServer();
  prisma = server.prisma;
  const world = fixtures(prisma, 'tenant-v');
  await world.tenant();
  const group = await world.group('Visibility');
  const device = await world.device(group.id);
  const { actions } = await world.incident([device]);
  const action = actions[0]!;
  change = (tenantId) => ({
    tenantId,
    actionId: action.id,
    deviceGroupId: action.deviceGroupId,
    deviceId: action.deviceId,
    incidentId: action.incidentId,
    actionType: action.type,
    previousStatus: null,
    status: 'PENDING_APPROVAL',
  });
});
afterAll(() => server?.close());

/** Whether a session of this database waits on a lock (the tenant's advisory lock) right now. */
async function secondWaitsOnALock() {
  const rows = await prisma.$queryRaw<{ waiting: bigint }[]>`
    SELECT count(*) AS waiting FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return Number(rows[0]!.waiting) > 0;
}

/** A transaction that appends, then stays open until `release` is called. */
function heldOpen(
  append: (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => Promise<unknown>,
) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let appended = false;
  const done = prisma.$transaction(
    async (tx) => {
      await append(tx);
      appended = true;
      await gate;
    },
    { timeout: 10_000 },
  );
  return { release, done, appended: () => appended };
}

describe("the order in which a tenant's event ids become visible", () => {
  it('without the lock, a larger id can be visible before a smaller one (the hazard)', async () => {
    const tenant = 'tenant-v-raw';
    // Raw inserts, bypassing appendActionEvents and its lock.
    const raw = (tx: Pick<PrismaClient, '$executeRaw'>) => {
      const c = change(tenant);
      return tx.$executeRaw`INSERT INTO stream_events ("tenantId", "actionId", "deviceGroupId", "actionType", status)
        VALUES (${tenant}, ${c.actionId}::uuid, ${c.deviceGroupId}::uuid, ${c.actionType}::"RemediationActionType", 'PENDING_APPROVAL')`;
    };
    const slow = heldOpen(raw);
    await waitFor(slow.appended, 'the slow insert');
    await raw(prisma); // commits at once, with the larger id
    const seenFirst = await loggedIds(prisma, tenant);
    slow.release();
    await slow.done;
    const all = await loggedIds(prisma, tenant);
    expect(seenFirst).toHaveLength(1);
    expect(all).toHaveLength(2);
    expect(all[0]! < seenFirst[0]!).toBe(true); // the reader at seenFirst[0] would have skipped all[0]
  });

  it('with appendActionEvents, a second writer waits for the first to commit, so ids appear in order', async () => {
    const tenant = 'tenant-v-locked';
    const first = heldOpen((tx) => appendActionEvents(tx, [change(tenant)]));
    await waitFor(first.appended, 'the first append');
    let secondDone = false;
    const second = prisma
      .$transaction((tx) => appendActionEvents(tx, [change(tenant)]))
      .then(() => (secondDone = true));
    await waitFor(secondWaitsOnALock, 'the second writer to wait on a lock');
    expect(secondDone).toBe(false); // blocked on the tenant's lock, before drawing an id
    expect(await loggedIds(prisma, tenant)).toEqual([]);
    first.release();
    await Promise.all([first.done, second]);
    const ids = await loggedIds(prisma, tenant);
    expect(ids).toHaveLength(2);
    // Other tenants are not blocked: the lock is per tenant.
    const other = heldOpen((tx) => appendActionEvents(tx, [change('tenant-v-other')]));
    await waitFor(other.appended, 'the other tenant');
    await prisma.$transaction((tx) => appendActionEvents(tx, [change(tenant)]));
    other.release();
    await other.done;
  });

  it('a reader that only ever asks for "id > last seen" misses nothing under concurrent writers', async () => {
    const tenant = 'tenant-v-stress';
    let writing = true;
    const seen: bigint[] = [];
    const reader = (async () => {
      let last = 0n;
      while (
        writing ||
        seen.length === 0 ||
        last < ((await loggedIds(prisma, tenant)).at(-1) ?? 0n)
      ) {
        const page = await prisma.streamEvent.findMany({
          where: { tenantId: tenant, id: { gt: last } },
          orderBy: { id: 'asc' },
        });
        for (const e of page) seen.push(e.id);
        last = page.at(-1)?.id ?? last;
      }
    })();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let round = 0; round < 15; round++) {
          await prisma.$transaction(async (tx) => {
            await tx.$executeRaw`SELECT pg_sleep(${Math.random() * 0.003})`;
            await appendActionEvents(tx, [change(tenant), change(tenant)]);
            await tx.$executeRaw`SELECT pg_sleep(${Math.random() * 0.002})`; // commit later, lock held
          });
        }
      }),
    );
    writing = false;
    await reader;
    expect(seen).toEqual(await loggedIds(prisma, tenant));
    expect(seen).toHaveLength(8 * 15 * 2);
  }, 20_000);
});
