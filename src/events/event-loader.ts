/**
 * Loads what an event refers to (the action row) for many subscribers at once.
 *
 * - Requests made in the same tick for the same group (same scope and selection) become one
 *   query: 1,000 live subscribers resolving one event cost one load.
 * - Results are kept per *event* for a short while, so subscribers that are a little behind, or a
 *   catching-up subscriber that asked ahead (prefetch), reuse them. Keyed by event, not by row:
 *   the load for an event always starts after that event was read from the log, so the row it
 *   returns reflects at least that change (a cached row of an earlier event of the same action
 *   would not).
 */
export class EventLoader<V> {
  private current = new Map<string, Promise<V | null>>();
  private previous = new Map<string, Promise<V | null>>();
  private rotatedAt = Date.now();
  private readonly pending = new Map<
    string,
    { fetch: Fetch<V>; wanted: Map<string, Waiter<V>[]> }
  >();
  private scheduled = false;

  constructor(private readonly keepMs = 1_000) {}

  /**
   * The row `rowId` as of event `eventId`, for subscribers of `group`; `fetch` loads rows by id
   * in that group's scope (a row it does not return is invisible: null).
   */
  load(group: string, eventId: string, rowId: string, fetch: Fetch<V>): Promise<V | null> {
    this.rotate();
    const key = `${group}|${eventId}`;
    const known = this.current.get(key) ?? this.previous.get(key);
    if (known) return known;
    const promise = new Promise<V | null>((resolve, reject) => {
      let batch = this.pending.get(group);
      if (!batch) {
        batch = { fetch, wanted: new Map() };
        this.pending.set(group, batch);
      }
      const waiters = batch.wanted.get(rowId) ?? [];
      waiters.push({ resolve, reject });
      batch.wanted.set(rowId, waiters);
    });
    this.current.set(key, promise);
    // A failed load is not kept: the next subscriber tries again.
    promise.catch(() => {
      if (this.current.get(key) === promise) this.current.delete(key);
      if (this.previous.get(key) === promise) this.previous.delete(key);
    });
    if (!this.scheduled) {
      this.scheduled = true;
      // Let every subscriber woken by the same dispatch ask first.
      setImmediate(() => this.flush());
    }
    return promise;
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const { fetch, wanted } of batches) {
      fetch([...wanted.keys()]).then(
        (rows) => {
          for (const [id, waiters] of wanted)
            for (const w of waiters) w.resolve(rows.get(id) ?? null);
        },
        (error: unknown) => {
          for (const waiters of wanted.values()) for (const w of waiters) w.reject(error);
        },
      );
    }
  }

  private rotate(): void {
    const now = Date.now();
    if (now - this.rotatedAt < this.keepMs) return;
    this.previous = now - this.rotatedAt >= 2 * this.keepMs ? new Map() : this.current;
    this.current = new Map();
    this.rotatedAt = now;
  }
}

type Fetch<V> = (rowIds: string[]) => Promise<Map<string, V>>;
type Waiter<V> = { resolve: (value: V | null) => void; reject: (error: unknown) => void };
