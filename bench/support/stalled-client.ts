// The stalled subscribers of bench/fanout.ts (`--stalled N`): each is a dashboard socket with
// `--stalled-subscriptions K` panels (subscriptions) that stops reading once subscribed. Each panel
// selects the action 20 times over (aliases, ~5 KB a message): a socket that does not read is
// sent far more than the kernel's socket buffers hold (a few MB on loopback), so the server's own
// buffer for it crosses the bound, as a frozen wall display's would. Once the bench has written
// its events and the fast subscribers have them, it thaws (`thaw`): it reads what reached it (each
// panel keeps the last cursor it got) and sees the cut, if the server cut it; then it does what a graphql-ws client does: reconnects and resubscribes each panel
// from its last cursor, this time reading. Its report says how it was cut and
// whether each panel then got every event once.
import WebSocket from 'ws';
import { decodeCursor } from '../../src/events/cursor.js';
import { benchWsClient } from './ws-client.js';

interface Panel {
  cursor: string;
  lastId: bigint;
  count: number;
}

interface StalledSocket {
  tenant: string;
  panels: Panel[];
  closeCode: number | null;
}

export interface StalledReport {
  sockets: number;
  panels: number;
  /** Close codes the server cut them with (1013, or 1006 for one destroyed unread). */
  closeCodes: Record<string, number>;
  /** Panels that received, after their resume, every event of the run exactly once. */
  complete: number;
  lost: number;
  duplicates: number;
  /** From the thaw (when it could see the cut) to the last event its panels received. */
  resumeMs: number | null;
}

const sockets: StalledSocket[] = [];
const closers: (() => void)[] = [];
let duplicates = 0;
let lastCompleteAt = 0;

interface Plan {
  url: string;
  token: string;
  tenant: string;
  after: string;
}

/** The bench's query with its `action { … }` selected 20 times (the armour allows 30 aliases). */
export function widePanelQuery(query: string): string {
  const action = /action \{ .*? \} \}/.exec(query)?.[0];
  if (!action) throw new Error('the bench query has no action selection');
  const copies = Array.from({ length: 19 }, (_, i) => `a${i}: ${action}`).join(' ');
  return query.replace(action, `${action} ${copies}`);
}

const subscribeMessage = (id: string, query: string, after: string) =>
  JSON.stringify({ id, type: 'subscribe', payload: { query, variables: { after } } });

type NextPayload = { pendingActionAdded?: { cursor: string } };

function record(panel: Panel, data: NextPayload | null | undefined) {
  const cursor = data?.pendingActionAdded?.cursor;
  const id = cursor ? decodeCursor(cursor) : null;
  if (!cursor || id === null || id <= panel.lastId) {
    duplicates++;
    return;
  }
  panel.cursor = cursor;
  panel.lastId = id;
  panel.count++;
  lastCompleteAt = Date.now();
}

/** Subscribes its panels over the raw protocol, then stops reading. */
const paused: WebSocket[] = [];
let thawedAt: number | null = null;

/** The stalled sockets read again. */
export function thaw(): void {
  thawedAt = Date.now();
  for (const socket of paused.splice(0)) socket.resume();
}

export function openStalled(plan: Plan, query: string, panels: number): Promise<void> {
  const state: StalledSocket = {
    tenant: plan.tenant,
    panels: Array.from({ length: panels }, () => ({ cursor: plan.after, lastId: 0n, count: 0 })),
    closeCode: null,
  };
  sockets.push(state);
  const socket = new WebSocket(plan.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  closers.push(() => socket.terminate());
  socket.on('close', (code) => {
    if (state.closeCode !== null) return;
    state.closeCode = code;
    resume(plan, query, state);
  });
  return new Promise<void>((resolve) => {
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { authorization: `Bearer ${plan.token}` },
        }),
      ),
    );
    socket.once('message', () => {
      for (let i = 0; i < panels; i++)
        socket.send(subscribeMessage(String(i + 1), query, plan.after));
      socket.pause();
      paused.push(socket);
      socket.on('message', (data) => received(state, String(data)));
      resolve();
    });
  });
}

/** A message that reached a stalled socket: a `next` of one of its panels (ids 1…K). */
function received(state: StalledSocket, text: string) {
  const message = JSON.parse(text) as {
    id?: string;
    type: string;
    payload?: { data?: NextPayload };
  };
  const panel = message.type === 'next' ? state.panels[Number(message.id) - 1] : undefined;
  if (panel) record(panel, message.payload?.data);
}

/** After the cut: a reading graphql-ws client, each panel from its own last cursor. */
function resume(plan: Plan, query: string, state: StalledSocket) {
  const client = benchWsClient(plan.url, plan.token, closers);
  for (const panel of state.panels)
    client.subscribe<NextPayload>(
      { query, variables: { after: panel.cursor } },
      {
        next: (result) => record(panel, result.data),
        error: () => duplicates++,
        complete: () => {},
      },
    );
}

/** Events the stalled panels received (after their resume): the bench waits for all of them. */
export const stalledReceived = () =>
  sockets.reduce((sum, s) => sum + s.panels.reduce((n, p) => n + p.count, 0), 0);

/** `expectedByTenant` counts the run's events; every panel also had its tenant's warm-up. */
export function stalledReport(expectedByTenant: Record<string, number>): StalledReport {
  const closeCodes: Record<string, number> = {};
  let complete = 0;
  let lost = 0;
  for (const socket of sockets) {
    const code = String(socket.closeCode ?? 'open');
    closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    const expected = (expectedByTenant[socket.tenant] ?? 0) + 1;
    for (const panel of socket.panels) {
      if (panel.count === expected) complete++;
      lost += Math.max(0, expected - panel.count);
    }
  }
  return {
    sockets: sockets.length,
    panels: sockets.reduce((sum, s) => sum + s.panels.length, 0),
    closeCodes,
    complete,
    lost,
    duplicates,
    resumeMs: thawedAt === null ? null : lastCompleteAt - thawedAt,
  };
}

export function closeStalled(): void {
  for (const close of closers) close();
}
