import type { EventLog, LoggedEvent } from './event-log.js';

/** A subscriber as the feed sees it. */
export interface FeedMember {
  /** The last log id this member has accounted for (delivered, filtered out, or before its start). */
  readonly position: bigint;
  /** A page of the tenant's log, in id order, right after the previous one; called synchronously. */
  offer(events: readonly LoggedEvent[]): void;
}

/**
 * The shared tail of one tenant's log on this server: one read per wake-up, whatever the number
 * of live subscribers, handed to all of them.
 *
 * Invariant: every live member's position is >= `tail` at the moment it attaches, and each read
 * returns everything after `tail` (see event-log.ts for why a read cannot skip an id). So a live
 * member receives every event after its own position; members drop ids they already have.
 */
export class TenantFeed {
  /** The last id read, or null while no member is live (the next one to attach sets it). */
  private tail: bigint | null = null;
  private readonly live = new Set<FeedMember>();
  private members = 0;
  private reading = false;
  private again = false;
  /** Bumped when the tail is reset, so a read begun before the reset is not applied after it. */
  private generation = 0;

  constructor(
    readonly tenantId: string,
    private readonly log: EventLog,
    private readonly pageSize: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get liveCount(): number {
    return this.live.size;
  }

  get memberCount(): number {
    return this.members;
  }

  join(): void {
    this.members++;
  }

  /** Returns true when the feed has no member left and can be dropped. */
  leave(member: FeedMember): boolean {
    this.detach(member);
    this.members--;
    return this.members === 0;
  }

  /**
   * Makes a member live if it has read at least as far as the feed; otherwise it must catch up
   * with its own reads first (returns false). Synchronous, so no read result can slip between the
   * check and the registration. `atEnd`: the member's last read found nothing beyond its position.
   */
  attach(member: FeedMember, atEnd: boolean): boolean {
    if (this.tail === null) {
      // The first live member sets the tail, but only from the end of the log: a member far behind
      // catches up with its own reads rather than drag the shared feed (and everyone's latency) back.
      if (!atEnd) return false;
      this.tail = member.position;
      this.live.add(member);
      // A notification that came while nobody was live was ignored: look once.
      this.wake();
      return true;
    }
    if (member.position < this.tail) return false;
    this.live.add(member);
    return true;
  }

  detach(member: FeedMember): void {
    if (!this.live.delete(member) || this.live.size > 0) return;
    // Nobody live: forget the tail rather than keep reading (or later re-read) what no one needs.
    this.tail = null;
    this.generation++;
  }

  /** True when the log holds events this feed has not read yet. */
  isBehind(end: bigint): boolean {
    return this.tail !== null && end > this.tail;
  }

  /** Something may have been appended: read it once for everyone. Wake-ups during a read coalesce. */
  wake(): void {
    if (this.live.size === 0) return;
    this.again = true;
    if (!this.reading) void this.pump();
  }

  private async pump(): Promise<void> {
    this.reading = true;
    try {
      while (this.again && this.live.size > 0 && this.tail !== null) {
        this.again = false;
        const generation = this.generation;
        const events = await this.log.readAfter(this.tenantId, this.tail, this.pageSize);
        if (generation !== this.generation) {
          this.again = true; // the tail was reset while reading: read again from the new one
          continue;
        }
        if (events.length === 0) continue;
        this.tail = events[events.length - 1]!.id;
        for (const member of [...this.live]) member.offer(events);
        if (events.length === this.pageSize) this.again = true;
      }
    } catch (error) {
      // The periodic catch-up wakes the feed again; members keep their positions meanwhile.
      this.onError(error);
    } finally {
      this.reading = false;
    }
  }
}
