import type { EventLog, LoggedEvent } from './event-log.js';
import type { FeedMember, TenantFeed } from './tenant-feed.js';

export interface SubscriptionSettings<T> {
  tenantId: string;
  /** Deliver the events with an id greater than this. */
  start: bigint;
  matches: (event: LoggedEvent) => boolean;
  /** Turns a matching event into what is delivered; null skips it (e.g. no longer visible). */
  transform: (event: LoggedEvent) => Promise<T | null>;
  /** Told of the matching events of each catch-up page, so what they need can load in one go. */
  prefetch?: (events: readonly LoggedEvent[]) => void;
}

/**
 * Where a subscriber in push mode hands its events (instead of queueing them for `next()`):
 * a transport that delivers the events of many subscribers in one loop.
 */
export interface EventSink {
  /** An event this subscriber accepted, in log order; called synchronously, as it is accepted. */
  take(event: LoggedEvent): void;
  /** Resolves once everything taken so far was delivered or dropped: bounds a catch-up to a page. */
  idle(): Promise<void>;
  /** The stream ended: with the error that ended it, or none when it was closed. */
  end(error?: unknown): void;
}

export interface SubscriptionRuntime {
  feed: TenantFeed;
  log: EventLog;
  pageSize: number;
  /** A live subscriber whose consumer falls this far behind goes back to reading the log itself. */
  maxQueued: number;
  onClose: (subscription: EventSubscription<unknown>) => void;
}

/**
 * One subscriber's stream: an async iterator (what graphql-js consumes) that first catches up
 * with its own paged reads of the log, then joins the tenant's shared feed.
 *
 * `position` only moves forward and every event is accepted only if its id is above it, so no
 * event is delivered twice; each source (own reads, feed pages) is gap-free after `position`, so
 * none is skipped. A hand-written iterator rather than an async generator: `return()` must end a
 * subscriber that is parked waiting for events, which a generator cannot do until its next yield.
 */
export class EventSubscription<T> implements AsyncIterableIterator<T>, FeedMember {
  position: bigint;
  private readonly queue: LoggedEvent[] = [];
  private live = false;
  private closed = false;
  private signal: (() => void) | null = null;
  /** Push mode (see pushTo): accepted events go here instead of the queue. */
  private sink: EventSink | null = null;
  private paused = false;
  /** Bumped by pause(), so a catch-up read begun before it is dropped. */
  private epoch = 0;

  constructor(
    private readonly settings: SubscriptionSettings<T>,
    private readonly runtime: SubscriptionRuntime,
  ) {
    this.position = settings.start;
    runtime.feed.join();
  }

  get tenantId(): string {
    return this.settings.tenantId;
  }

  get isLive(): boolean {
    return this.live;
  }

  /**
   * Joins the feed at once when it can (a subscriber starting at the end of the log, or with a
   * cursor at or past the feed's tail); otherwise its first pulls catch up from the log.
   */
  tryGoLive(atEnd: boolean): void {
    if (!this.closed && !this.live) this.live = this.runtime.feed.attach(this, atEnd);
  }

  offer(events: readonly LoggedEvent[]): void {
    if (this.paused) return;
    this.accept(events);
    if (this.sink) return;
    if (this.queue.length > this.runtime.maxQueued) {
      // A slow consumer must not hold an unbounded backlog in memory: it drains what it has,
      // then reads the rest from the log at its own pace (catch-up mode) and rejoins.
      this.runtime.feed.detach(this);
      this.live = false;
    }
    this.signal?.();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    try {
      return await this.pull();
    } catch (error) {
      // A consumer does not call return() after next() throws: leave the feed here.
      this.close();
      throw error;
    }
  }

  private async pull(): Promise<IteratorResult<T, undefined>> {
    while (!this.closed) {
      const event = this.queue.shift();
      if (event) {
        // Reads (transform, catch-up) are short; close() wakes a parked wait at once.
        const value = await this.settings.transform(event);
        if (value !== null && !this.closed) return { value, done: false };
      } else if (!this.live) {
        await this.catchUp();
      } else {
        await new Promise<void>((resolve) => (this.signal = resolve));
        this.signal = null;
      }
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    this.close();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T, undefined>> {
    this.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** What `event` is delivered as (null: skip it), as the transform of this subscriber says. */
  load(event: LoggedEvent): Promise<T | null> {
    return this.settings.transform(event);
  }

  /**
   * Push mode: every accepted event goes to `sink`, synchronously, in order, and the subscription
   * catches up with its own reads by itself; nobody calls `next()`. One loop per event can then
   * serve thousands of subscribers, with no promise per subscriber and event.
   */
  pushTo(sink: EventSink): void {
    this.sink = sink;
    for (const event of this.queue.splice(0)) sink.take(event);
    if (!this.live) void this.pushCatchUp();
  }

  /**
   * Push mode, for a consumer that cannot take more now: forget everything after `handled` (the
   * last event it delivered or dropped) and leave the feed, so the backlog stays in the log, not in
   * memory. resume() reads on from there.
   */
  pause(handled: bigint): void {
    if (this.closed || this.paused) return;
    this.paused = true;
    this.epoch++;
    this.runtime.feed.detach(this);
    this.live = false;
    this.position = handled;
  }

  resume(): void {
    if (this.closed || !this.paused) return;
    this.paused = false;
    void this.pushCatchUp();
  }

  /** Push mode's catch-up: a page at a time, each delivered before the next is read. */
  private async pushCatchUp(): Promise<void> {
    const epoch = this.epoch;
    const sink = this.sink!;
    try {
      while (!this.live && !this.closed && epoch === this.epoch) {
        await this.catchUp(epoch);
        if (!this.live) await sink.idle();
      }
    } catch (error) {
      sink.end(error);
      this.close();
    }
  }

  /** Ends the stream: a pending `next()` resolves as done. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.signal?.();
    this.sink?.end();
    this.runtime.feed.leave(this);
    this.runtime.onClose(this as EventSubscription<unknown>);
  }

  private async catchUp(epoch = this.epoch): Promise<void> {
    const { log, pageSize, feed } = this.runtime;
    const events = await log.readAfter(this.settings.tenantId, this.position, pageSize);
    // Paused meanwhile: its position went back; what this read brought is read again on resume.
    if (this.closed || epoch !== this.epoch) return;
    if (this.settings.prefetch) {
      const fresh = events.filter((e) => e.id > this.position && this.settings.matches(e));
      if (fresh.length > 0) this.settings.prefetch(fresh);
    }
    this.accept(events);
    this.live = feed.attach(this, events.length < pageSize);
  }

  private accept(events: readonly LoggedEvent[]): void {
    const { sink } = this;
    for (const event of events) {
      if (event.id <= this.position) continue;
      this.position = event.id;
      if (!this.settings.matches(event)) continue;
      if (sink) sink.take(event);
      else this.queue.push(event);
    }
  }
}
