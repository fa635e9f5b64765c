import type { ExecutionResult } from 'graphql';
import type { LoggedEvent } from '../events/event-log.js';
import type { EventSink } from '../events/subscription.js';

/** What a member needs of its subscription (an EventSubscription in push mode). */
export interface PushedSubscription {
  readonly position: bigint;
  /** Forget everything after `handled` and stop taking events until resume(). */
  pause(handled: bigint): void;
  resume(): void;
  close(): void;
}

/** A subscriber's end of a transport: one socket's `next` messages of one subscription. */
export interface ResultSink {
  /** Sends a result; false when the receiver is over its bound (send nothing more for now). */
  send(result: ExecutionResult): boolean;
  /** Calls back once, when the receiver can take more after `send` returned false. */
  whenWritable(callback: () => void): void;
  /** Holds what is sent until release(): several messages then leave in one write. */
  hold(): void;
  release(): void;
}

/** What an event becomes for a group: the shared result, or null when it is not delivered. */
export type ResolveEvent = (event: LoggedEvent) => Promise<ExecutionResult | null>;

/** Sockets written before the loop lets timers and I/O run: a group of 5,000 is 10 slices. */
const WRITES_PER_SLICE = 500;
/** At most this many events go out in one write to a socket (a pass): bounds what is held. */
const MAX_EVENTS_PER_PASS = 16;

interface Entry {
  event: LoggedEvent;
  /** Its place in the group's queue: a member joins only entries after its last one. */
  seq: number;
  members: FanoutMember[];
  /** How many members have been written to so far. */
  written: number;
  settled: boolean;
  result: ExecutionResult | null;
  error: unknown;
}

/**
 * The push-mode subscribers of one sharing group (same document, variables and scope: the same
 * result for every event) and the events they took, in one queue. Each event is resolved once
 * (the first member's load and execution) and then written to its members in one loop: no
 * promise, closure or iterator per subscriber and event.
 *
 * Order: a member joins an event's entry only if that entry comes after the last one it joined,
 * so its entries are in its own order, and the queue is written strictly from the head.
 */
export class FanoutGroup {
  private readonly queue: Entry[] = [];
  /** The newest queued entry of each event id. */
  private readonly byEvent = new Map<bigint, Entry>();
  private seq = 0;
  private writing = false;
  /** Members whose writes are held in this pass, released at its end. */
  private readonly held: FanoutMember[] = [];
  /** Entries of the current pass not yet written, and whether the pass holds writes. */
  private passLeft = 0;
  private holding = false;
  private members = 0;

  /** `onEmpty`: its last member left (the group may be forgotten). */
  constructor(private readonly onEmpty: () => void) {}

  join(): void {
    this.members++;
  }

  leave(): void {
    if (--this.members === 0) this.onEmpty();
  }

  take(member: FanoutMember, event: LoggedEvent): void {
    member.pending++;
    // The feed hands one page, the same event objects, to every member in turn: the newest
    // entry is nearly always the one to join, without hashing a bigint per member and event.
    const last = this.queue[this.queue.length - 1];
    const known = last?.event === event ? last : this.byEvent.get(event.id);
    if (known && known.seq > member.lastSeq) {
      known.members.push(member);
      member.lastSeq = known.seq;
      return;
    }
    const entry: Entry = {
      event,
      seq: ++this.seq,
      members: [member],
      written: 0,
      settled: false,
      result: null,
      error: undefined,
    };
    member.lastSeq = entry.seq;
    this.queue.push(entry);
    this.byEvent.set(event.id, entry);
    member.resolve(event).then(
      (result) => this.settle(entry, result, undefined),
      (error: unknown) => this.settle(entry, null, error ?? new Error('event failed')),
    );
  }

  private settle(entry: Entry, result: ExecutionResult | null, error: unknown): void {
    entry.settled = true;
    entry.result = result;
    entry.error = error;
    if (!this.writing) this.writeReady();
  }

  /**
   * Writes the settled entries at the head of the queue, yielding between slices of sockets, a
   * pass at a time: a pass is the entries settled when it starts. When a pass has several (the
   * loop is behind), each member's writes are held and released together at the end of the pass:
   * one write per socket for several events, so the cost per delivery falls as the backlog grows
   * instead of feeding it.
   */
  private writeReady(): void {
    this.writing = true;
    const budget = { left: WRITES_PER_SLICE };
    for (;;) {
      if (this.passLeft === 0) {
        if (!this.releaseHeld(budget)) {
          this.continueLater();
          return;
        }
        this.passLeft = this.settledAtHead();
        this.holding = this.passLeft > 1;
        if (this.passLeft === 0) break;
      }
      if (!this.writeHead(budget)) {
        this.continueLater();
        return;
      }
      this.passLeft--;
    }
    this.writing = false;
  }

  private settledAtHead(): number {
    let count = 0;
    while (count < MAX_EVENTS_PER_PASS && this.queue[count]?.settled) count++;
    return count;
  }

  /** The head entry to its remaining members; false when the slice ran out first. */
  private writeHead(budget: { left: number }): boolean {
    const entry = this.queue[0]!;
    while (entry.written < entry.members.length) {
      if (budget.left-- === 0) return false;
      const member = entry.members[entry.written++]!;
      if (this.holding && member.hold()) this.held.push(member);
      member.deliver(entry.event, entry.result, entry.error);
    }
    this.queue.shift();
    if (this.byEvent.get(entry.event.id) === entry) this.byEvent.delete(entry.event.id);
    return true;
  }

  private releaseHeld(budget: { left: number }): boolean {
    while (this.held.length > 0) {
      if (budget.left-- === 0) return false;
      this.held.pop()!.release();
    }
    return true;
  }

  private continueLater(): void {
    setImmediate(() => this.writeReady());
  }
}

/**
 * One push-mode subscriber of a group: the EventSink of its subscription and the writer of its
 * socket. Over its socket's bound it pauses: its subscription forgets what it took after the last
 * event written and leaves the feed; once the socket drained and nothing it took is still queued,
 * it resumes from the log.
 */
export class FanoutMember implements EventSink {
  pending = 0;
  lastSeq = 0;
  private handled: bigint;
  private paused = false;
  private held = false;
  private writable = false;
  private ended = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly group: FanoutGroup,
    private readonly subscription: PushedSubscription,
    private readonly sink: ResultSink,
    /** This subscriber's own load and execution of an event (the group's, as it shares them). */
    readonly resolve: ResolveEvent,
    private readonly done: { resolve: () => void; reject: (error: unknown) => void },
  ) {
    this.handled = subscription.position;
    group.join();
  }

  take(event: LoggedEvent): void {
    this.group.take(this, event);
  }

  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.group.leave();
    if (error === undefined) this.done.resolve();
    else this.done.reject(error);
  }

  /** Called by the group's loop, in this member's order. */
  deliver(event: LoggedEvent, result: ExecutionResult | null, error: unknown): void {
    this.pending--;
    if (!this.ended && !this.paused && event.id > this.handled) {
      if (error !== undefined) {
        this.end(error);
        this.subscription.close();
      } else {
        this.handled = event.id;
        if (result !== null && !this.sink.send(result)) this.pause();
      }
    }
    if (this.pending === 0) this.settled();
  }

  /** Holds this member's writes; false when they are held already. */
  hold(): boolean {
    if (this.held) return false;
    this.held = true;
    this.sink.hold();
    return true;
  }

  release(): void {
    this.held = false;
    this.sink.release();
  }

  private pause(): void {
    this.paused = true;
    this.writable = false;
    this.subscription.pause(this.handled);
    this.sink.whenWritable(() => {
      this.writable = true;
      this.resumeWhenReady();
    });
  }

  private settled(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
    this.resumeWhenReady();
  }

  /** Entries taken before the pause must be dropped first: they are read again after it. */
  private resumeWhenReady(): void {
    if (!this.paused || !this.writable || this.pending > 0 || this.ended) return;
    this.paused = false;
    this.subscription.resume();
  }
}
