// A load-generating process for bench/fanout.ts: opens its share of the subscribers (graphql-ws,
// SSE, or stalled raw WebSockets that never read), records when each event arrives, and reports
// over IPC. Several of these run at once so that the clients are not the bottleneck.
import { decodeCursor } from '../../src/events/cursor.js';
import { startCpuProfile } from './cpu-profile.js';
import { openSse } from './sse-client.js';
import {
  closeStalled,
  openStalled,
  type StalledReport,
  stalledReceived,
  stalledReport,
  thaw,
  widePanelQuery,
} from './stalled-client.js';
import { benchWsClient } from './ws-client.js';
import { openLeanWs } from './ws-lean-client.js';

export interface SubscriberPlan {
  url: string;
  token: string;
  tenant: string;
  after: string;
}
export type Transport = 'ws' | 'sse' | 'stalled';
export interface ClientStatus {
  type: 'status';
  received: number;
  subscribersWithWarmUp: number;
  /** Events the stalled sockets' panels received once resumed (not counted in `received`). */
  stalledReceived: number;
}
export interface ClientReport {
  type: 'report';
  latencies: number[];
  lost: number;
  duplicatesOrErrors: number;
  /** What the first error said (a GraphQL error, a close code), so a failed run explains itself. */
  firstError: string | null;
  stalled: StalledReport;
}

export const QUERY = `subscription($after: String) {
  pendingActionAdded(after: $after) { cursor occurredAt action { id type status device { hostname } deviceGroup { name } } }
}`;

interface Subscriber {
  tenant: string;
  lastId: number;
  count: number;
}
type Payload = { pendingActionAdded?: { cursor: string; action: { id: string } } };

const subscribers: Subscriber[] = [];
/** Per action (global id): the wall-clock times it reached each subscriber. */
const arrivals = new Map<string, number[]>();
const closers: (() => void)[] = [];
let received = 0;
let errors = 0;
let firstError: string | null = null;
function failed(error: unknown) {
  errors++;
  firstError ??= describe(error);
}
function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map(describe).join('; ');
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error)
    return `close ${(error as { code: unknown; reason?: unknown }).code} ${String((error as { reason?: unknown }).reason ?? '')}`;
  return JSON.stringify(error);
}
const now = () => performance.timeOrigin + performance.now();

function onPayload(subscriber: Subscriber, data: Payload | undefined) {
  const event = data?.pendingActionAdded;
  if (!event) errors++;
  else onNext(subscriber, Number(decodeCursor(event.cursor) ?? -1), event.action.id, now());
}

/** Each subscriber's events must come once each and in log order: strictly increasing ids. */
function onNext(subscriber: Subscriber, id: number, actionId: string, at: number) {
  if (id < 0 || id <= subscriber.lastId) {
    errors++;
    return;
  }
  subscriber.lastId = id;
  subscriber.count++;
  received++;
  const times = arrivals.get(actionId);
  if (times) times.push(at);
  else arrivals.set(actionId, [at]);
}

function openWs(plan: SubscriberPlan, subscriber: Subscriber): Promise<void> {
  const client = benchWsClient(plan.url, plan.token, closers);
  return new Promise<void>((resolve) => {
    client.on('connected', () => resolve());
    client.subscribe<Payload>(
      { query: QUERY, variables: { after: plan.after } },
      {
        next: (result) => onPayload(subscriber, result.data ?? undefined),
        error: failed,
        complete: () => undefined,
      },
    );
  });
}

/**
 * `lean`: the bench's own graphql-transport-ws client (ws-lean-client.ts), which reads only the
 * cursor and action id of each frame; otherwise graphql-ws's client, which parses every payload.
 */
function openOne(
  plan: SubscriberPlan,
  subscriber: Subscriber,
  transport: Transport,
  lean: boolean,
) {
  if (transport === 'ws' && lean)
    return openLeanWs(
      plan,
      QUERY,
      { onNext: (id, actionId, at) => onNext(subscriber, id, actionId, at), onError: failed },
      closers,
    );
  if (transport === 'ws') return openWs(plan, subscriber);
  return openSse(plan, QUERY, {
    onData: (data) => onPayload(subscriber, data as Payload),
    onError: failed,
    track: (close) => closers.push(close),
  });
}

async function open(
  plans: SubscriberPlan[],
  transport: Transport,
  panels = 1,
  lean = true,
): Promise<void> {
  for (let batch = 0; batch < plans.length; batch += 100) {
    await Promise.all(
      plans.slice(batch, batch + 100).map((plan) => {
        if (transport === 'stalled') return openStalled(plan, widePanelQuery(QUERY), panels);
        const subscriber: Subscriber = { tenant: plan.tenant, lastId: 0, count: 0 };
        subscribers.push(subscriber);
        return openOne(plan, subscriber, transport, lean);
      }),
    );
  }
}

function report(commits: Record<string, number>, expectedByTenant: Record<string, number>) {
  const latencies: number[] = [];
  for (const [actionId, times] of arrivals) {
    const committed = commits[actionId];
    if (committed === undefined) continue;
    for (const at of times) latencies.push(Math.round((at - committed) * 10) / 10);
  }
  // Each subscriber also received the warm-up event of its tenant.
  const lost = subscribers.reduce(
    (sum, s) => sum + Math.max(0, (expectedByTenant[s.tenant] ?? 0) + 1 - s.count),
    0,
  );
  const message: ClientReport = {
    type: 'report',
    latencies,
    lost,
    duplicatesOrErrors: errors,
    firstError,
    stalled: stalledReport(expectedByTenant),
  };
  return message;
}

type Request =
  | {
      type: 'open';
      plans: SubscriberPlan[];
      transport: Transport;
      panels?: number;
      lean?: boolean;
    }
  | { type: 'thaw' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'status' }
  | {
      type: 'report';
      commits: Record<string, number>;
      expectedByTenant: Record<string, number>;
    };

/** The bench's --profile: where a load generator's CPU per message goes, over the window. */
let stopProfile: ((file: string) => Promise<string>) | null = null;
async function profile(message: Request) {
  if (message.type === 'profile-start') {
    stopProfile = await startCpuProfile();
    process.send?.({ type: 'profile-start' });
  }
  if (message.type === 'profile-stop' && stopProfile)
    process.send?.({ type: 'profile-stop', file: await stopProfile(message.file) });
}

process.on('message', (message: Request) => {
  void profile(message);
  if (message.type === 'open')
    void open(message.plans, message.transport, message.panels, message.lean).then(() =>
      process.send?.({ type: 'open' }),
    );
  if (message.type === 'thaw') {
    thaw();
    process.send?.({ type: 'thaw' });
  }
  if (message.type === 'status') {
    const status: ClientStatus = {
      type: 'status',
      received,
      subscribersWithWarmUp: subscribers.filter((s) => s.count > 0).length,
      stalledReceived: stalledReceived(),
    };
    process.send?.(status);
  }
  if (message.type === 'report') process.send?.(report(message.commits, message.expectedByTenant));
});
process.once('SIGTERM', () => {
  for (const close of closers) close();
  closeStalled();
  setTimeout(() => process.exit(0), 200).unref();
});
