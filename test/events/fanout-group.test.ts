// The one-loop fan-out of a sharing group (src/server/shared-fanout.ts), in memory: what each
// subscriber's socket is sent, in which order, and what a paused one skips and re-reads. The
// transport and the database are the stream tests' business (stream-*.test.ts, slow-consumer);
// here the order of writes, holds and pauses is driven step by step, with no timing involved.

import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/events/event-log.js';
import {
  FanoutGroup,
  FanoutMember,
  type PushedSubscription,
  type ResultSink,
} from '../../src/server/shared-fanout.js';

const event = (id: number): LoggedEvent => ({
  id: BigInt(id),
  tenantId: 'tenant-fanout',
  actionId: '00000000-0000-4000-8000-000000000001',
  deviceGroupId: '00000000-0000-4000-8000-000000000002',
  deviceId: null,
  incidentId: null,
  actionType: 'QUARANTINE_FILE',
  previousStatus: null,
  status: 'PENDING_APPROVAL',
  occurredAt: new Date(0),
});
const resultOf = (id: bigint): ExecutionResult => ({ data: { id: String(id) } });

/** Each event's result is released by the test, in whatever order it likes. */
function resolver() {
  const waiting = new Map<bigint, (result: ExecutionResult) => void>();
  return {
    resolve: (e: LoggedEvent) => new Promise<ExecutionResult>((done) => waiting.set(e.id, done)),
    async settle(...ids: number[]) {
      for (const id of ids) waiting.get(BigInt(id))!(resultOf(BigInt(id)));
      await new Promise((next) => setImmediate(next));
    },
  };
}

/** A socket that records what it is sent; `full` makes its next send report "over the bound". */
function socket() {
  const log: string[] = [];
  let writable: (() => void) | null = null;
  const state = { full: false };
  const sink: ResultSink = {
    send(result) {
      log.push(`send ${(result.data as { id: string }).id}`);
      return !state.full;
    },
    whenWritable: (callback) => (writable = callback),
    hold: () => log.push('hold'),
    release: () => log.push('release'),
  };
  return { log, sink, state, drain: () => writable?.() };
}

function subscription(): PushedSubscription & { calls: string[]; position: bigint } {
  const calls: string[] = [];
  return {
    calls,
    position: 0n,
    pause: (handled) => calls.push(`pause after ${handled}`),
    resume: () => calls.push('resume'),
    close: () => calls.push('close'),
  };
}

function member(group: FanoutGroup, resolve: (e: LoggedEvent) => Promise<ExecutionResult>) {
  const s = socket();
  const sub = subscription();
  const done = { resolve: () => undefined, reject: () => undefined };
  return { ...s, sub, member: new FanoutMember(group, sub, s.sink, resolve, done) };
}

describe('the fan-out of a sharing group', () => {
  it('writes each member its events in log order whatever order their results settle in, holding a pass of several into one write', async () => {
    const group = new FanoutGroup(() => undefined);
    const r = resolver();
    const members = [1, 2, 3].map(() => member(group, r.resolve));
    for (const m of members) for (const id of [1, 2, 3]) m.member.take(event(id));
    await r.settle(3, 2); // the later events are ready first: nothing may go out yet
    expect(members.map((m) => m.log)).toEqual([[], [], []]);
    await r.settle(1); // now the head and two behind it: one pass, held and released per socket
    for (const m of members)
      expect(m.log).toEqual(['hold', 'send 1', 'send 2', 'send 3', 'release']);
  });

  it('sends a lone settled event straight away, without holding', async () => {
    const group = new FanoutGroup(() => undefined);
    const r = resolver();
    const m = member(group, r.resolve);
    m.member.take(event(7));
    await r.settle(7);
    expect(m.log).toEqual(['send 7']);
  });

  it('resolves an event once for all members that took it, and a member joins no entry before its last', async () => {
    const group = new FanoutGroup(() => undefined);
    const resolved: bigint[] = [];
    const r = resolver();
    const counting = (e: LoggedEvent) => {
      resolved.push(e.id);
      return r.resolve(e);
    };
    const a = member(group, counting);
    const b = member(group, counting);
    a.member.take(event(1));
    a.member.take(event(2));
    b.member.take(event(2)); // b starts at 2: joins 2's entry
    b.member.take(event(3));
    a.member.take(event(3));
    expect(resolved).toEqual([1n, 2n, 3n]);
    await r.settle(1, 2, 3);
    expect(a.log.filter((l) => l.startsWith('send'))).toEqual(['send 1', 'send 2', 'send 3']);
    expect(b.log.filter((l) => l.startsWith('send'))).toEqual(['send 2', 'send 3']);
  });

  it('pauses a member over its bound: it skips what it took after the event that crossed it, and resumes only once drained and past those', async () => {
    const group = new FanoutGroup(() => undefined);
    const r = resolver();
    const slow = member(group, r.resolve);
    const fast = member(group, r.resolve);
    for (const id of [1, 2, 3]) {
      slow.member.take(event(id));
      fast.member.take(event(id));
    }
    slow.state.full = true;
    await r.settle(1);
    expect(slow.sub.calls).toEqual(['pause after 1']);
    slow.drain(); // drained, but events 2 and 3 are still queued for it: not yet
    expect(slow.sub.calls).toEqual(['pause after 1']);
    await r.settle(2, 3);
    expect(slow.log).toEqual(['send 1']);
    expect(fast.log.filter((l) => l.startsWith('send'))).toEqual(['send 1', 'send 2', 'send 3']);
    // Its subscription went back to 1 and re-reads 2 and 3 from the log after resuming.
    expect(slow.sub.calls).toEqual(['pause after 1', 'resume']);
  });

  it('writes a large group in slices, every member once, in order', async () => {
    const group = new FanoutGroup(() => undefined);
    const r = resolver();
    const members = Array.from({ length: 1_234 }, () => member(group, r.resolve));
    for (const m of members) for (const id of [1, 2]) m.member.take(event(id));
    await r.settle(1);
    await r.settle(2);
    await until(() => members.every((m) => m.log.filter((l) => l.startsWith('send')).length === 2));
    for (const m of members)
      expect(m.log.filter((l) => l.startsWith('send'))).toEqual(['send 1', 'send 2']);
  });
});

/** Lets the group's slices run (each yields with setImmediate) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !done(); turn++)
    await new Promise((next) => setImmediate(next));
  expect(done()).toBe(true);
}
