// Fan-out benchmark of the pending-action stream (issues 5 and 16):
//   npx tsx bench/fanout.ts [--subscribers 1000] [--tenants 1] [--client-processes 2]
//     [--transport ws|sse] [--instances 1] [--stalled 0] [--stalled-subscriptions 1]
//     [--events 200] [--interval-ms 100]
//     [--max-buffered-kb N] [--slow-grace-ms N] [--profile] [--heap-snapshot] [--graphql-ws-client] [--tsx]
// Quell servers run in their own processes (their CPU and memory are their own) on DATABASE_URL
// or a throwaway embedded PostgreSQL; subscribers are spread over them round-robin and over the
// tenants evenly, and are opened by several client processes. A writer here creates pending
// actions at a steady pace, spread over the tenants, each in one transaction with its stream
// event. Latency = from the writer's commit returning to a client receiving the message (one
// machine, one wall clock). `--stalled N` adds N sockets that stop reading once subscribed, each
// with `--stalled-subscriptions K` subscriptions (K times the bytes: enough to cross the bound);
// once cut they reconnect and resume each subscription from its last cursor, reading, and the
// bench waits for them to have every event (support/stalled-client.ts).
// The ws clients speak the protocol on bare TCP sockets and read only each frame's cursor and
// action id (support/ws-lean-client.ts);
// `--graphql-ws-client` uses graphql-ws's client instead, which parses every payload in full.
// The servers run from the esbuild bundle `npm start` runs (`--tsx`: through tsx, as before).
// `--profile` writes a CPU profile of each server over the measurement window (in bench/profiles). `--heap-snapshot`
// writes the first server's heap there once every subscriber is live, before the measurement.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { signToken, tokenSettingsFromEnv } from '../src/auth/tokens.js';
import { createPrismaClient, type PrismaClient } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { encodeCursor } from '../src/events/cursor.js';
import { fixtures } from '../test/support/fixtures.js';
import { type DeviceRef, streamWriter } from '../test/support/stream-writer.js';
import { throwawayDatabase } from './support/database.js';
import type { ClientReport, ClientStatus, SubscriberPlan } from './support/fanout-client.js';
import { numericOption as option } from './support/options.js';
import {
  cpuSeconds,
  forkChild,
  type IpcChild,
  machineTicks,
  rssMb,
  systemAndUserSeconds,
} from './support/processes.js';

const settings = {
  subscribers: option('subscribers', 1_000),
  tenants: Math.max(1, option('tenants', 1)),
  clientProcesses: Math.max(1, option('client-processes', 2)),
  instances: Math.max(1, option('instances', 1)),
  stalled: option('stalled', 0),
  stalledSubscriptions: Math.max(1, option('stalled-subscriptions', 1)),
  events: option('events', 200),
  intervalMs: option('interval-ms', 100),
  maxBufferedKb: option('max-buffered-kb', 0),
  slowGraceMs: option('slow-grace-ms', 0),
  transport: (process.argv.includes('--transport')
    ? process.argv[process.argv.indexOf('--transport') + 1]
    : 'ws') as 'ws' | 'sse',
  /** graphql-ws's own client instead of the lean one (ws-lean-client.ts): what the clients cost. */
  graphqlWsClient: process.argv.includes('--graphql-ws-client'),
  /** The servers through tsx rather than from the bundle `npm start` runs (support/processes.ts). */
  tsx: process.argv.includes('--tsx'),
  profile: process.argv.includes('--profile'),
  heapSnapshot: process.argv.includes('--heap-snapshot'),
};
if (settings.transport !== 'ws' && settings.transport !== 'sse')
  throw new Error('--transport takes ws or sse');

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const tenantName = (t: number) => `bench-fanout-${t}`;

interface Tenant {
  id: string;
  device: DeviceRef;
  after: string;
}

const secret = tokenSettingsFromEnv().secret!;

/**
 * Each subscriber is a dashboard of its own analyst: a subject of its own, so the per-subject
 * WebSocket cap (on by default) applies to each as it would in a SOC.
 */
const subscriberToken = (tenant: Tenant, subscriber: number) =>
  signToken({ sub: `bench-${subscriber}`, tid: tenant.id, roles: ['viewer'], groups: '*' }, secret);

async function prepareTenants(prisma: PrismaClient): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  for (let batch = 0; batch < settings.tenants; batch += 20) {
    const ids = Array.from({ length: Math.min(20, settings.tenants - batch) }, (_, i) =>
      tenantName(batch + i),
    );
    const prepared = await Promise.all(
      ids.map(async (id) => {
        const world = fixtures(prisma, id);
        await world.tenant();
        const group = await world.group('Bench group', 'SEMI_REQUIRE_APPROVAL_ANY');
        const device = await world.device(group.id, 'bench-01');
        const last = await prisma.streamEvent.findFirst({
          where: { tenantId: id },
          orderBy: { id: 'desc' },
        });
        return { id, device, after: encodeCursor(last?.id ?? 0n) };
      }),
    );
    tenants.push(...prepared);
  }
  return tenants;
}

async function startServers(databaseUrl: string): Promise<{ child: IpcChild; url: string }[]> {
  const env: NodeJS.ProcessEnv = { DATABASE_URL: databaseUrl };
  if (settings.maxBufferedKb > 0)
    env.QUELL_BENCH_MAX_BUFFERED = String(settings.maxBufferedKb * 1024);
  if (settings.slowGraceMs > 0) env.QUELL_BENCH_SLOW_GRACE_MS = String(settings.slowGraceMs);
  return Promise.all(
    Array.from({ length: settings.instances }, async () => {
      const child = forkChild(here('./support/fanout-server.ts'), { env, bundled: !settings.tsx });
      const { url } = await child.request<{ url: string }>({ type: 'listening' });
      return { child, url };
    }),
  );
}

/** Subscriber i: tenant i mod T, instance i mod I, client process i mod P. */
async function plansPerProcess(
  tenants: Tenant[],
  urls: string[],
  count: number,
  firstSubscriber = 0,
): Promise<SubscriberPlan[][]> {
  const plans: SubscriberPlan[][] = Array.from({ length: settings.clientProcesses }, () => []);
  for (let i = 0; i < count; i++) {
    const tenant = tenants[i % tenants.length]!;
    plans[i % plans.length]!.push({
      url: urls[i % urls.length]!,
      token: await subscriberToken(tenant, firstSubscriber + i),
      tenant: tenant.id,
      after: tenant.after,
    });
  }
  return plans;
}

async function openClients(tenants: Tenant[], urls: string[]): Promise<IpcChild[]> {
  const clients = (await plansPerProcess(tenants, urls, settings.subscribers)).map((plans) => ({
    child: forkChild(here('./support/fanout-client.ts')),
    plans,
  }));
  await Promise.all(
    clients.map(({ child, plans }) =>
      child.request({
        type: 'open',
        plans,
        transport: settings.transport,
        lean: !settings.graphqlWsClient,
      }),
    ),
  );
  const result = clients.map((c) => c.child);
  if (settings.stalled > 0) {
    const stalled = forkChild(here('./support/fanout-client.ts'));
    const plans = (
      await plansPerProcess(tenants, urls, settings.stalled, settings.subscribers)
    ).flat();
    await stalled.request({
      type: 'open',
      plans,
      transport: 'stalled',
      panels: settings.stalledSubscriptions,
    });
    result.push(stalled);
  }
  return result;
}

async function statuses(clients: IpcChild[]) {
  const all = await Promise.all(clients.map((c) => c.request<ClientStatus>({ type: 'status' })));
  return {
    received: all.reduce((sum, s) => sum + s.received, 0),
    warm: all.reduce((sum, s) => sum + s.subscribersWithWarmUp, 0),
    stalledReceived: all.reduce((sum, s) => sum + s.stalledReceived, 0),
  };
}

/**
 * The stalled sockets thaw once the fast ones have everything (the last client process holds
 * them); then they see the cut, resume, and the bench waits for every panel to have every event.
 */
async function waitForStalled(clients: IpcChild[], events: number) {
  await clients.at(-1)!.request({ type: 'thaw' });
  const target = settings.stalled * settings.stalledSubscriptions * (events + 1);
  const deadline = Date.now() + 30_000;
  while ((await statuses(clients)).stalledReceived < target && Date.now() < deadline)
    await sleep(100);
}

/** One event per tenant that every subscriber must receive: proves all are live before measuring. */
async function warmUp(prisma: PrismaClient, tenants: Tenant[], clients: IpcChild[]) {
  for (const tenant of tenants) await streamWriter(prisma, tenant.id).pendingAction(tenant.device);
  const deadline = Date.now() + 60_000;
  while ((await statuses(clients)).warm < settings.subscribers) {
    if (Date.now() > deadline) throw new Error('subscribers did not all receive the warm-up');
    await sleep(100);
  }
}

async function writeEvents(prisma: PrismaClient, tenants: Tenant[]) {
  const commits: Record<string, number> = {};
  const expectedByTenant: Record<string, number> = {};
  const writers = tenants.map((t) => streamWriter(prisma, t.id));
  const started = performance.now();
  for (let i = 0; i < settings.events; i++) {
    const wait = started + i * settings.intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    const tenant = tenants[i % tenants.length]!;
    const action = await writers[i % tenants.length]!.pendingAction(tenant.device);
    commits[Buffer.from(`RemediationAction:${action.id}`).toString('base64')] = now();
    expectedByTenant[tenant.id] = (expectedByTenant[tenant.id] ?? 0) + 1;
  }
  return { commits, expectedByTenant };
}

function expectedDeliveries(tenants: Tenant[], expectedByTenant: Record<string, number>) {
  let expected = 0;
  for (let i = 0; i < settings.subscribers; i++)
    expected += expectedByTenant[tenants[i % tenants.length]!.id] ?? 0;
  return expected;
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function measure(
  prisma: PrismaClient,
  servers: { child: IpcChild }[],
  tenants: Tenant[],
  clients: IpcChild[],
) {
  const pids = { servers: servers.map((s) => s.child.pid), clients: clients.map((c) => c.pid) };
  const cpu = (list: number[]) => list.map(cpuSeconds);
  const before = { servers: cpu(pids.servers), clients: cpu(pids.clients) };
  const system = (list: number[]) =>
    list.reduce((sum, pid) => sum + systemAndUserSeconds(pid)[1], 0);
  const systemBefore = system(pids.servers);
  const clientSystemBefore = system(pids.clients);
  const statsBefore = await serverStats(servers);
  if (settings.profile)
    await Promise.all(
      [...servers.map((s) => s.child), clients[0]!].map((c) =>
        c.request({ type: 'profile-start' }),
      ),
    );
  const baseline = (await statuses(clients)).received;
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  const machineBefore = machineTicks();
  const { commits, expectedByTenant } = await writeEvents(prisma, tenants);
  const expected = expectedDeliveries(tenants, expectedByTenant);
  const target = baseline + expected;
  const deadline = Date.now() + 15_000;
  while ((await statuses(clients)).received < target && Date.now() < deadline) await sleep(100);
  // Stalled tenants' events: per tenant evenly, so the whole run's count per panel.
  if (settings.stalled > 0) await waitForStalled(clients, settings.events / settings.tenants);
  const seconds = (performance.now() - started) / 1000;
  const share = (after: number[], was: number[]) =>
    after.map((a, i) => Math.round(((a - was[i]!) / seconds) * 100));
  const serverCpuAfter = cpu(pids.servers);
  const serverCpu = share(serverCpuAfter, before.servers);
  const serverCpuSeconds = serverCpuAfter.reduce((sum, c, i) => sum + c - before.servers[i]!, 0);
  const serverSystemSeconds = system(pids.servers) - systemBefore;
  const clientSystemSeconds = system(pids.clients) - clientSystemBefore;
  const clientCpuAfter = cpu(pids.clients);
  const clientCpu = share(clientCpuAfter, before.clients);
  const clientCpuSeconds = clientCpuAfter.reduce((sum, c, i) => sum + c - before.clients[i]!, 0);
  const statsAfter = await serverStats(servers);
  if (settings.profile) await writeProfiles([...servers, { child: clients[0]! }]);
  const reports = await Promise.all(
    clients.map((c) => c.request<ClientReport>({ type: 'report', commits, expectedByTenant })),
  );
  // The machine's 1-minute load average around the window: figures from a busy machine say so.
  const load = [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 10) / 10);
  // How busy every core was (PostgreSQL, the writer and anything else on the machine included).
  const machine = machineTicks();
  const machineBusy = Math.round(
    ((machine[0] - machineBefore[0]) / (machine[1] - machineBefore[1])) * 100,
  );
  const result = {
    expected,
    reports,
    serverCpu,
    clientCpu,
    serverCpuSeconds,
    clientCpuSeconds,
    serverSystemSeconds,
    clientSystemSeconds,
    load,
    machineBusy,
  };
  return { ...result, statsBefore, statsAfter, pids };
}

/** The servers' window profiles, then (last) that of the first client process. */
async function writeProfiles(processes: { child: IpcChild }[]) {
  const name = `${settings.subscribers}-${settings.transport}-${settings.instances}i`;
  for (const [i, s] of processes.entries()) {
    const which = i === processes.length - 1 ? 'client' : `server-${i}`;
    const file = here(`./profiles/window-${name}-${which}.cpuprofile`);
    const written = await s.child.request<{ file: string }>({ type: 'profile-stop', file });
    console.log(`CPU profile of the window written to ${written.file}`);
  }
}

interface ServerStats {
  statements: number;
  streamLogReads: number;
  statementsByShape: Record<string, number>;
  streams: { subscribers: number; liveSubscribers: number };
  slowConsumersCut?: number;
  largestCutBacklogBytes?: number;
  memoryPeakMb?: Record<string, number>;
}
const serverStats = (servers: { child: IpcChild }[]) =>
  Promise.all(servers.map((s) => s.child.request<ServerStats>({ type: 'stats' })));

function print(result: Awaited<ReturnType<typeof measure>>, connectMs: number) {
  const latencies = result.reports.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const lost = result.reports.reduce((sum, r) => sum + r.lost, 0);
  const errors = result.reports.reduce((sum, r) => sum + r.duplicatesOrErrors, 0);
  const peaks = result.pids.servers.map((pid) => rssMb(pid, 'VmHWM'));
  const reads = result.statsAfter.map(
    (s, i) => s.streamLogReads - result.statsBefore[i]!.streamLogReads,
  );
  const cuts = result.statsAfter.map((s) => s.slowConsumersCut ?? 0);
  const summary = {
    ...settings,
    delivered: latencies.length,
    expected: result.expected,
    lost,
    duplicatesOrErrors: errors,
    firstError: result.reports.find((r) => r.firstError !== null)?.firstError ?? null,
    latencyMs: {
      median: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    connectAndWarmUpMs: connectMs,
    loadAverage: result.load,
    // Percent of all the machine's cores busy over the window, whatever the process.
    machineBusyPercent: result.machineBusy,
    // Percent of one core over the writing and delivery window, per process.
    cpu: { servers: result.serverCpu, clientProcesses: result.clientCpu },
    // Server CPU time (all instances) per delivered message: the figure least bent by a busy machine.
    serverCpuMicrosPerDelivery: Math.round((result.serverCpuSeconds * 1e6) / latencies.length),
    // The load generator's CPU time (all client processes) per delivered message: it shares the cores.
    clientCpuMicrosPerDelivery: Math.round((result.clientCpuSeconds * 1e6) / latencies.length),
    clientSystemCpuMicrosPerDelivery: Math.round(
      (result.clientSystemSeconds * 1e6) / latencies.length,
    ),
    // Of which in the kernel (system time): on loopback mostly TCP send and the receiver's side.
    serverSystemCpuMicrosPerDelivery: Math.round(
      (result.serverSystemSeconds * 1e6) / latencies.length,
    ),
    serverRssMb: { end: result.pids.servers.map((pid) => rssMb(pid)), peak: peaks },
    // Sampled in the server: heap, buffers outside it (frames, socket data), and the whole.
    serverMemoryPeakMb: result.statsAfter.map((s) => s.memoryPeakMb ?? null),
    // SELECTs on stream_events per instance during the window, whatever the subscriber count.
    streamLogReadsPerInstance: reads,
    ...statementFigures(result.statsBefore, result.statsAfter),
    slowConsumersCut: cuts,
    largestCutBacklogKb: result.statsAfter.map((s) =>
      Math.round((s.largestCutBacklogBytes ?? 0) / 1024),
    ),
    stalledSockets: settings.stalled > 0 ? mergeStalled(result.reports) : null,
  };
  console.log(JSON.stringify(summary, null, 2));
  printRow(summary, result.expected, peaks);
  return latencies.length === result.expected && lost === 0 && errors === 0;
}

/**
 * Per event written and per instance: every statement, the reads of the stream log, and the
 * statements by shape (those run at least once per 20 events, on any instance): what one event
 * costs PostgreSQL on each server, whatever the number of its subscribers.
 */
function statementFigures(before: ServerStats[], after: ServerStats[]) {
  const perEvent = (n: number) => Math.round((n / settings.events) * 100) / 100;
  const shapes = after.map((s, i) =>
    Object.fromEntries(
      Object.entries(s.statementsByShape)
        .map(([shape, n]) => [shape, perEvent(n - (before[i]!.statementsByShape[shape] ?? 0))])
        .filter(([, n]) => (n as number) >= 0.05),
    ),
  );
  return {
    statementsPerEventPerInstance: after.map((s, i) =>
      perEvent(s.statements - before[i]!.statements),
    ),
    streamLogReadsPerEventPerInstance: after.map((s, i) =>
      perEvent(s.streamLogReads - before[i]!.streamLogReads),
    ),
    statementShapesPerEvent: shapes,
  };
}

/** The stalled sockets' outcome, over the client processes (one holds them all). */
function mergeStalled(reports: ClientReport[]) {
  return reports.map((r) => r.stalled).find((s) => s.sockets > 0) ?? null;
}

function printRow(
  summary: {
    delivered: number;
    latencyMs: { median: number; p99: number };
    cpu: { servers: number[]; clientProcesses: number[] };
    serverCpuMicrosPerDelivery: number;
    clientCpuMicrosPerDelivery: number;
    loadAverage: number[];
    machineBusyPercent: number;
    slowConsumersCut: number[];
  },
  expected: number,
  peaks: number[],
) {
  const percents = (list: number[]) => list.map((c) => `${c} %`).join(', ');
  console.log(
    '| subscribers | tenants | transport | instances | stalled | delivered / expected | median | p99 | server CPU | µs server CPU / delivery | client CPU | µs client CPU / delivery | machine busy | server RSS peak | slow consumers cut | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const { subscribers, tenants, transport, instances, stalled } = settings;
  const cells = [
    subscribers,
    tenants,
    transport,
    instances,
    stalled,
    `${summary.delivered} / ${expected}`,
    `${summary.latencyMs.median} ms`,
    `${summary.latencyMs.p99} ms`,
    percents(summary.cpu.servers),
    summary.serverCpuMicrosPerDelivery,
    percents(summary.cpu.clientProcesses),
    summary.clientCpuMicrosPerDelivery,
    `${summary.machineBusyPercent} %`,
    peaks.map((p) => `${p} MB`).join(', '),
    summary.slowConsumersCut.join(', '),
    summary.loadAverage.join(' → '),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

const database = await throwawayDatabase();
// Fixtures as the superuser; the servers (other processes) serve as the app role.
const prisma = createPrismaClient(database.adminUrl);
let servers: { child: IpcChild; url: string }[] = [];
let clients: IpcChild[] = [];
try {
  await applyMigrations(database.migrationUrl);
  servers = await startServers(database.url);
  const tenants = await prepareTenants(prisma);
  const connectStarted = Date.now();
  clients = await openClients(
    tenants,
    servers.map((s) => s.url),
  );
  await warmUp(prisma, tenants, clients);
  const connectMs = Date.now() - connectStarted;
  if (settings.heapSnapshot) {
    const file = here(`./profiles/heap-${settings.subscribers}-${settings.transport}.heapsnapshot`);
    const written = await servers[0]!.child.request<{ file: string }>({
      type: 'heap-snapshot',
      file,
    });
    console.log(`heap snapshot written to ${written.file}`);
  }
  if (!print(await measure(prisma, servers, tenants, clients), connectMs)) process.exitCode = 1;
} finally {
  await Promise.all(clients.map((c) => c.stop()));
  await Promise.all(servers.map((s) => s.child.stop()));
  await prisma.$disconnect();
  await database.stop();
}
