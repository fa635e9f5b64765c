// Fan-out benchmark of the pending-action stream (issue 5):
//   npx tsx bench/fanout.ts [--subscribers 1000] [--events 200] [--interval-ms 100]
// One Quell server runs in its own process (so its CPU and memory are its own) on DATABASE_URL or
// a throwaway embedded PostgreSQL. N graphql-ws clients subscribe to pendingActionAdded; a writer
// creates pending actions at a steady pace, each in one transaction with its stream event. The
// latency of a delivery is the time from the writer's commit returning to the client receiving
// the message, both taken in this process (no clock skew).
import { readFileSync } from 'node:fs';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken, tokenSettingsFromEnv } from '../src/auth/tokens.js';
import { createPrismaClient } from '../src/db/client.js';
import { encodeCursor } from '../src/events/cursor.js';
import { fixtures } from '../test/support/fixtures.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { streamWriter } from '../test/support/stream-writer.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const subscribers = option('subscribers', 1_000);
const events = option('events', 200);
const intervalMs = option('interval-ms', 100);
const TENANT = 'bench-fanout';
const QUERY = `subscription($after: String) {
  pendingActionAdded(after: $after) { cursor occurredAt action { id type status device { hostname } deviceGroup { name } } }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMb = (pid: number, field = 'VmRSS') => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : NaN;
};

const database = await throwawayDatabase();
const prisma = createPrismaClient(database.url);
const clients: Client[] = [];
let server: Awaited<ReturnType<typeof spawnServer>> | null = null;
try {
  server = await spawnServer(database.url);
  const { graphqlUrl, pid } = server;
  const world = fixtures(prisma, TENANT);
  await world.tenant();
  const group = await world.group('Bench group', 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await world.device(group.id, 'bench-01');
  const writer = streamWriter(prisma, TENANT);
  const token = await signToken(
    { sub: 'bench', tid: TENANT, roles: ['viewer'], groups: '*' },
    tokenSettingsFromEnv().secret!,
  );
  const rssIdle = rssMb(pid);

  // Per subscriber: the action ids received, in order, and the time each arrived.
  const received: Map<string, number>[] = [];
  let errors = 0;
  // Counted as they arrive: polling the maps would itself stall the clients' event loop.
  let arrivalsTotal = 0;
  const start =
    (await prisma.streamEvent.findFirst({ where: { tenantId: TENANT }, orderBy: { id: 'desc' } }))
      ?.id ?? 0n;
  const connectStarted = Date.now();
  for (let batch = 0; batch < subscribers; batch += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, subscribers - batch) }, async () => {
        const client = createClient({
          url: graphqlUrl.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${token}` },
          retryAttempts: 0,
        });
        clients.push(client);
        const arrivals = new Map<string, number>();
        received.push(arrivals);
        await new Promise<void>((resolve) => {
          client.on('connected', () => resolve());
          client.subscribe<{ pendingActionAdded: { action: { id: string } } }>(
            { query: QUERY, variables: { after: encodeCursor(start) } },
            {
              next: (result) => {
                const id = result.data?.pendingActionAdded.action.id;
                if (!id || arrivals.has(id)) errors++;
                else {
                  arrivals.set(id, performance.now());
                  arrivalsTotal++;
                }
              },
              error: () => errors++,
              complete: () => undefined,
            },
          );
        });
      }),
    );
  }

  // A warm-up event every subscriber must receive: proves all are live before measuring.
  await writer.pendingAction(device);
  while (received.some((r) => r.size < 1)) await sleep(20);
  const connectMs = Date.now() - connectStarted;

  const committedAt = new Map<string, number>();
  const serverCpuBefore = cpuSeconds(pid);
  const benchCpuBefore = cpuSeconds(process.pid);
  const writeStarted = performance.now();
  for (let i = 0; i < events; i++) {
    const target = writeStarted + i * intervalMs;
    const wait = target - performance.now();
    if (wait > 0) await sleep(wait);
    const action = await writer.pendingAction(device);
    committedAt.set(
      Buffer.from(`RemediationAction:${action.id}`).toString('base64'),
      performance.now(),
    );
  }
  const expected = subscribers * events;
  const deadline = Date.now() + 15_000;
  const warmUps = subscribers;
  while (arrivalsTotal < warmUps + expected && Date.now() < deadline) await sleep(50);
  const windowSeconds = (performance.now() - writeStarted) / 1000;
  const cpuShare = (used: number) => `${Math.round((used / windowSeconds) * 100)}%`;
  const serverCpu = cpuShare(cpuSeconds(pid) - serverCpuBefore);
  const benchCpu = cpuShare(cpuSeconds(process.pid) - benchCpuBefore);

  const latencies: number[] = [];
  for (const arrivals of received) {
    for (const [id, at] of arrivals) {
      const committed = committedAt.get(id);
      if (committed !== undefined) latencies.push(at - committed);
    }
  }
  latencies.sort((x, y) => x - y);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  console.log(
    JSON.stringify(
      {
        subscribers,
        events,
        intervalMs,
        delivered: latencies.length,
        expected,
        lost: expected - latencies.length,
        duplicatesOrErrors: errors,
        latencyMs: {
          median: round(pick(0.5)),
          p99: round(pick(0.99)),
          max: round(latencies.at(-1) ?? NaN),
        },
        connectAndWarmUpMs: connectMs,
        // Of one core, over the writing and delivery window: the clients run in this process.
        cpu: { server: serverCpu, clients: benchCpu },
        serverRssMb: { idle: rssIdle, end: rssMb(pid), peak: rssMb(pid, 'VmHWM') },
      },
      null,
      2,
    ),
  );
  if (latencies.length !== expected || errors > 0) process.exitCode = 1;
} finally {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
  await prisma.$disconnect();
  await database.stop();
}
