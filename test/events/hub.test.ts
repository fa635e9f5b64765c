// The stream hub on a real database, without GraphQL: wake-ups from LISTEN/NOTIFY, the periodic
// catch-up when no notification comes, reconnecting the listener, slow consumers, and shutdown.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/events/event-log.js';
import { createStreamHub, type StreamHub, type StreamHubOptions } from '../../src/events/hub.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { type DeviceRef, loggedIds, streamWriter } from '../support/stream-writer.js';
import { waitFor } from '../support/subscriptions.js';

const TENANT = 'tenant-hub';
let server: TestServer;
let device: DeviceRef;
let writer: ReturnType<typeof streamWriter>;
const hubs: StreamHub[] = [];
/** What the hubs reported (a killed LISTEN connection is one); kept out of the test output. */
const reported: string[] = [];
const onError = (error: unknown, where: string) =>
  reported.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);

beforeAll(async () => {
  server = await startTestServer({ streams: { onError } });
  const world = fixtures(server.prisma, TENANT);
  await world.tenant();
  device = await world.device((await world.group('Hub group')).id);
  writer = streamWriter(server.prisma, TENANT);
});
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});
afterAll(() => server?.close());

/** A second hub on the test server's database: it shares only PostgreSQL with the server's own. */
async function hub(options: Partial<StreamHubOptions> = {}) {
  const created = createStreamHub({
    prisma: server.prisma,
    databaseUrl: server.databaseUrl,
    catchUpIntervalMs: 60_000,
    onError,
    ...options,
  });
  await created.start();
  hubs.push(created);
  return created;
}

/** Subscribes to every event of the tenant and collects them as they are pulled. */
async function everything(target: StreamHub, after: bigint | null = null) {
  const subscription = await target.subscribe<LoggedEvent>({
    tenantId: TENANT,
    after,
    matches: () => true,
    transform: async (e) => e,
  });
  const received: bigint[] = [];
  const pulling = (async () => {
    for await (const event of subscription) received.push(event.id);
  })();
  return { subscription, received, pulling };
}

describe('wake-ups', () => {
  it('delivers on NOTIFY well before the periodic catch-up would', async () => {
    const h = await hub();
    const sub = await everything(h);
    expect(h.stats().listening).toBe(true);
    await writer.pendingAction(device);
    // The catch-up runs every 60 s here: an event seen within 20 s was woken by NOTIFY.
    await waitFor(() => sub.received.length === 1, 'the event', 20_000);
  });

  it('still delivers without LISTEN, through the periodic catch-up', async () => {
    const h = await hub({ listen: false, catchUpIntervalMs: 100 });
    const sub = await everything(h);
    expect(h.stats().listening).toBe(false);
    await writer.pendingAction(device);
    await waitFor(() => sub.received.length === 1, 'the event via catch-up', 2_000);
  });

  it('reconnects the listener when its connection is killed, and catches up on what it missed', async () => {
    const h = await hub();
    const sub = await everything(h);
    expect(h.stats().listenerConnects).toBe(1);
    // As the serving role: only a superuser or the same role may end the listener's session.
    await server.servingPrisma.$executeRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`;
    await writer.pendingAction(device); // quite possibly while no one listens
    await waitFor(
      () => h.stats().listenerConnects >= 2 && h.stats().listening,
      'the listener to reconnect',
      5_000,
    );
    expect(reported.some((r) => r.startsWith('listener: terminating connection'))).toBe(true);
    await waitFor(() => sub.received.length === 1, 'the event missed while disconnected', 2_000);
    await writer.pendingAction(device);
    await waitFor(() => sub.received.length === 2, 'a notified event after reconnecting', 2_000);
  });
});

describe('subscribers', () => {
  it('lets a consumer that stops pulling fall back to its own reads, then catch up with no gap or duplicate', async () => {
    const h = await hub({ maxQueuedPerSubscriber: 5, pageSize: 7 });
    const start = (await loggedIds(server.prisma, TENANT)).at(-1) ?? 0n;
    const slow = await h.subscribe<LoggedEvent>({
      tenantId: TENANT,
      after: null,
      matches: () => true,
      transform: async (e) => e,
    });
    const fast = await everything(h);
    expect(h.stats(TENANT).liveSubscribers).toBe(2);
    for (let i = 0; i < 30; i++) await writer.pendingAction(device);
    await waitFor(() => fast.received.length === 30, 'the fast subscriber');
    expect(slow.isLive).toBe(false); // it overflowed and left the shared feed
    const pulled: bigint[] = [];
    for (let i = 0; i < 30; i++) pulled.push(((await slow.next()).value as LoggedEvent).id);
    const expected = await loggedIds(server.prisma, TENANT, start);
    expect(pulled).toEqual(expected);
    expect(fast.received).toEqual(expected);
    await waitFor(() => slow.isLive, 'the slow subscriber to rejoin'); // its next pull reaches the tail
    const next = slow.next();
    await writer.pendingAction(device);
    expect(((await next).value as LoggedEvent).id).toBe(
      (await loggedIds(server.prisma, TENANT)).at(-1),
    );
  });

  it('skips events the transform rejects, and matches before transforming', async () => {
    const h = await hub();
    const seen: string[] = [];
    const sub = await h.subscribe({
      tenantId: TENANT,
      after: null,
      matches: (e) => e.actionType !== 'KILL_PROCESS',
      transform: async (e) => {
        seen.push(e.actionType);
        return e.actionType === 'ISOLATE_DEVICE' ? null : e.actionType;
      },
    });
    await writer.pendingAction(device, { type: 'KILL_PROCESS' });
    await writer.pendingAction(device, { type: 'ISOLATE_DEVICE' });
    await writer.pendingAction(device, { type: 'STOP_SERVICE' });
    expect((await sub.next()).value).toBe('STOP_SERVICE');
    expect(seen).toEqual(['ISOLATE_DEVICE', 'STOP_SERVICE']);
  });

  it('ends a waiting next() when the subscription is returned or the hub closes', async () => {
    const h = await hub();
    const a = await h.subscribe({
      tenantId: TENANT,
      after: null,
      matches: () => true,
      transform: async (e) => e,
    });
    const b = await h.subscribe({
      tenantId: TENANT,
      after: null,
      matches: () => true,
      transform: async (e) => e,
    });
    const waitingA = a.next();
    const waitingB = b.next();
    await a.return();
    expect(await waitingA).toEqual({ value: undefined, done: true });
    await h.close();
    expect(await waitingB).toEqual({ value: undefined, done: true });
    expect(h.stats()).toMatchObject({ subscribers: 0, tenants: 0 });
  });
});
