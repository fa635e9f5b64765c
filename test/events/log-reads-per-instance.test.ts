// However many subscribers an instance has, it reads each event from PostgreSQL once (one read
// of stream_events for its tenant feed) and loads the action once per group of subscribers with
// the same scope and selection. Two instances on one database: each reads it once, itself.
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { encodeCursor } from '../../src/events/cursor.js';
import { adminUrlOf } from '../support/database.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { type DeviceRef, loggedIds, streamWriter } from '../support/stream-writer.js';
import { PENDING_ACTION_ADDED, type Pending } from '../support/streams.js';
import { collect } from '../support/subscriptions.js';

const TENANT = 'tenant-log-reads';
const SUBSCRIBERS_PER_INSTANCE = 20;

interface Counted {
  server: TestServer;
  reads: { log: number; actions: number };
}
const instances: Counted[] = [];
const clients: Client[] = [];
let device: DeviceRef;
/** The writer's own connection: its statements are nobody's reads. */
let writerPrisma: PrismaClient;

async function start(databaseUrl?: string): Promise<Counted> {
  const reads = { log: 0, actions: 0 };
  const server = await startTestServer({
    ...(databaseUrl ? { databaseUrl } : {}),
    // No periodic catch-up during the test: every read counted is one an event caused.
    streams: { catchUpIntervalMs: 600_000 },
    onQuery(sql) {
      if (!/^SELECT\b/i.test(sql)) return;
      if (sql.includes('"stream_events"')) reads.log++;
      else if (sql.includes('"remediation_actions"')) reads.actions++;
    },
  });
  return { server, reads };
}

beforeAll(async () => {
  const first = await start();
  instances.push(first, await start(first.server.databaseUrl));
  writerPrisma = createPrismaClient(adminUrlOf(first.server.databaseUrl));
  const world = fixtures(writerPrisma, TENANT);
  await world.tenant();
  device = await world.device((await world.group('Log reads')).id);
}, 30_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await writerPrisma?.$disconnect();
  for (const { server } of [...instances].reverse()) await server.close();
});

/** Four subscriptions on each of five sockets of `server`. */
async function subscribeAll(server: TestServer, after: string) {
  const token = await server.token({ tid: TENANT });
  const subscriptions = [];
  for (let socket = 0; socket < SUBSCRIBERS_PER_INSTANCE / 4; socket++) {
    const client = createClient({
      url: server.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    for (let i = 0; i < 4; i++)
      subscriptions.push(collect<Pending>(client, PENDING_ACTION_ADDED, { after }));
  }
  return subscriptions;
}

describe('reads of the stream log with many subscribers on several instances', () => {
  it('reads each event once per instance, not once per subscriber', async () => {
    const writer = streamWriter(writerPrisma, TENANT);
    const after = encodeCursor((await loggedIds(writerPrisma, TENANT)).at(-1) ?? 0n);
    const subscriptions = (
      await Promise.all(instances.map(({ server }) => subscribeAll(server, after)))
    ).flat();
    // A first event every subscriber receives: all are live on their feeds before counting.
    await writer.pendingAction(device);
    await Promise.all(subscriptions.map((s) => s.untilCount(1, 15_000)));
    for (const { reads } of instances) Object.assign(reads, { log: 0, actions: 0 });

    const events = 3;
    for (let i = 1; i <= events; i++) {
      await writer.pendingAction(device);
      await Promise.all(subscriptions.map((s) => s.untilCount(1 + i, 15_000)));
    }
    for (const { reads } of instances) {
      // One read per event (a NOTIFY can arrive while a read is under way: at most one more).
      expect(reads.log).toBeGreaterThanOrEqual(1);
      expect(reads.log).toBeLessThanOrEqual(2 * events);
      // One action load per event for all twenty subscribers (same scope and selection).
      expect(reads.actions).toBeGreaterThanOrEqual(1);
      expect(reads.actions).toBeLessThanOrEqual(events);
    }
    expect(subscriptions).toHaveLength(2 * SUBSCRIBERS_PER_INSTANCE);
  }, 60_000);
});
