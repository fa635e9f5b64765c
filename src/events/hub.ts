import type { PrismaClient } from '../db/client.js';
import { STREAM_CHANNEL } from './append.js';
import { EventLoader } from './event-loader.js';
import { type EventLog, type LoggedEvent, prismaEventLog } from './event-log.js';
import { PgListener } from './listener.js';
import { EventSubscription } from './subscription.js';
import { TenantFeed } from './tenant-feed.js';

export interface StreamHubOptions {
  prisma: PrismaClient;
  /** For the dedicated LISTEN connection. */
  databaseUrl: string;
  /** LISTEN/NOTIFY wake-ups (default true). Without them delivery relies on the periodic catch-up. */
  listen?: boolean;
  /** How often the log is checked for events no notification announced (default 1 s). */
  catchUpIntervalMs?: number;
  /** Rows per log read (default 500). */
  pageSize?: number;
  /** Events a live subscriber may hold undelivered before it falls back to its own reads (default 1,000). */
  maxQueuedPerSubscriber?: number;
  onError?: (error: unknown, where: string) => void;
}

export interface SubscribeRequest<T> {
  tenantId: string;
  /** Deliver events after this id; null = from the current end of the log (only new events). */
  after: bigint | null;
  matches: (event: LoggedEvent) => boolean;
  transform: (event: LoggedEvent) => Promise<T | null>;
  /** Told of the matching events of each catch-up page before they are transformed one by one. */
  prefetch?: (events: readonly LoggedEvent[]) => void;
}

export interface StreamHubStats {
  tenants: number;
  subscribers: number;
  liveSubscribers: number;
  listening: boolean;
  listenerConnects: number;
}

/**
 * The real-time side of one server process. Subscribers of a tenant share one TenantFeed; feeds
 * are woken by NOTIFY (payload: tenant id), by the periodic catch-up, and after the LISTEN
 * connection comes back. Server instances share nothing but the database.
 */
export class StreamHub {
  readonly log: EventLog;
  private readonly loaders = new Map<string, EventLoader<unknown>>();
  private readonly feeds = new Map<string, TenantFeed>();
  private readonly subscriptions = new Set<EventSubscription<unknown>>();
  private readonly listener: PgListener | null;
  private catchUpTimer: NodeJS.Timeout | null = null;
  private catchingUp = false;
  private closed = false;
  private readonly pageSize: number;
  private readonly maxQueued: number;
  private readonly onError: (error: unknown, where: string) => void;

  constructor(private readonly options: StreamHubOptions) {
    this.log = prismaEventLog(options.prisma);
    this.pageSize = options.pageSize ?? 500;
    this.maxQueued = options.maxQueuedPerSubscriber ?? 1_000;
    this.onError =
      options.onError ??
      ((error, where) =>
        console.error(
          `[streams] ${where}: ${error instanceof Error ? error.message : String(error)}`,
        ));
    this.listener =
      options.listen === false
        ? null
        : new PgListener({
            connectionString: options.databaseUrl,
            channel: STREAM_CHANNEL,
            onNotify: (tenantId) => this.feeds.get(tenantId)?.wake(),
            onConnected: () => this.wakeAll(),
            onError: (error) => this.onError(error, 'listener'),
          });
  }

  async start(): Promise<void> {
    await this.listener?.start();
    this.catchUpTimer = setInterval(
      () => void this.catchUp(),
      this.options.catchUpIntervalMs ?? 1_000,
    );
    this.catchUpTimer.unref();
  }

  async subscribe<T>(request: SubscribeRequest<T>): Promise<EventSubscription<T>> {
    if (this.closed) throw new Error('The event stream is shutting down.');
    const end = await this.log.end(request.tenantId);
    // Every cursor this tenant was given is at or before the end of its log. One beyond it (forged,
    // or taken from another tenant's stream: ids are global) would otherwise become this
    // subscriber's position and, as the first live member, the shared feed's tail: past the log,
    // where no read finds anything, stalling every subscriber of the tenant on this server (and
    // those catching up would spin on empty reads). Such a cursor resumes from the end instead,
    // with no error that could tell a tenant anything about the ids of another.
    const start = request.after === null || request.after > end ? end : request.after;
    const feed = this.feedFor(request.tenantId);
    const subscription = new EventSubscription<T>(
      {
        tenantId: request.tenantId,
        start,
        matches: request.matches,
        transform: request.transform,
        prefetch: request.prefetch,
      },
      {
        feed,
        log: this.log,
        pageSize: this.pageSize,
        maxQueued: this.maxQueued,
        onClose: (closed) => this.forget(closed),
      },
    );
    this.subscriptions.add(subscription as EventSubscription<unknown>);
    subscription.tryGoLive(start === end);
    return subscription;
  }

  /**
   * The loader of this server for rows of kind `name` that events refer to, shared by all its
   * subscribers (one per server: event ids of different databases must never meet).
   */
  loader<V>(name: string): EventLoader<V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = new EventLoader<unknown>();
      this.loaders.set(name, loader);
    }
    return loader as EventLoader<V>;
  }

  stats(tenantId?: string): StreamHubStats {
    const subs = [...this.subscriptions].filter(
      (s) => tenantId === undefined || s.tenantId === tenantId,
    );
    return {
      tenants: this.feeds.size,
      subscribers: subs.length,
      liveSubscribers: subs.filter((s) => s.isLive).length,
      listening: this.listener?.connected ?? false,
      listenerConnects: this.listener?.connects ?? 0,
    };
  }

  /** Ends every stream (a pending `next()` completes) and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    for (const subscription of [...this.subscriptions]) subscription.close();
    await this.listener?.close();
  }

  private feedFor(tenantId: string): TenantFeed {
    let feed = this.feeds.get(tenantId);
    if (!feed) {
      feed = new TenantFeed(tenantId, this.log, this.pageSize, (error) =>
        this.onError(error, `feed ${tenantId}`),
      );
      this.feeds.set(tenantId, feed);
    }
    return feed;
  }

  private forget(subscription: EventSubscription<unknown>): void {
    this.subscriptions.delete(subscription);
    const feed = this.feeds.get(subscription.tenantId);
    if (feed && feed.memberCount === 0) this.feeds.delete(subscription.tenantId);
  }

  private wakeAll(): void {
    for (const feed of this.feeds.values()) feed.wake();
  }

  /** In case a notification was missed: one statement for all tenants, then wake those behind. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp || this.closed) return;
    const tenants = [...this.feeds.values()].filter((f) => f.liveCount > 0).map((f) => f.tenantId);
    if (tenants.length === 0) return;
    this.catchingUp = true;
    try {
      const ends = await this.log.ends(tenants);
      for (const [tenantId, end] of ends) {
        const feed = this.feeds.get(tenantId);
        if (feed?.isBehind(end)) feed.wake();
      }
    } catch (error) {
      this.onError(error, 'periodic catch-up');
    } finally {
      this.catchingUp = false;
    }
  }
}

export function createStreamHub(options: StreamHubOptions): StreamHub {
  return new StreamHub(options);
}
