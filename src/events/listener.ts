import pg from 'pg';

export interface ListenerOptions {
  connectionString: string;
  channel: string;
  onNotify: (payload: string) => void;
  /** After every (re)connection: notifications sent while disconnected are lost, so catch up. */
  onConnected: () => void;
  onError: (error: unknown) => void;
  /** A query on the connection every so often, so a silently dead link is noticed. */
  pingIntervalMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

/**
 * LISTEN on a dedicated connection (a pooled one would be handed to other queries and lose the
 * subscription). It only wakes readers up; the log stays the truth, so a dropped connection costs
 * latency, never events. It reconnects with capped exponential backoff.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  /** How many times a LISTEN connection was established (tests watch reconnects with it). */
  connects = 0;

  constructor(private readonly options: ListenerOptions) {
    this.retryMs = options.retryMinMs ?? 100;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Connects once; a failure here is thrown, later failures are retried in the background. */
  async start(): Promise<void> {
    await this.connect();
    const interval = this.options.pingIntervalMs ?? 15_000;
    this.pingTimer = setInterval(() => void this.ping(), interval);
    this.pingTimer.unref();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotify(message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connects++;
    this.retryMs = this.options.retryMinMs ?? 100;
    this.options.onConnected();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    if (error) this.options.onError(error);
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 5_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch((error: unknown) => {
        this.options.onError(error);
        this.scheduleReconnect();
      });
    }, delay);
    this.retryTimer.unref();
  }

  private async ping(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), 5_000).unref(),
    );
    const outcome = await Promise.race([
      client.query('SELECT 1').then(() => 'ok' as const),
      timeout,
    ]).catch(() => 'failed' as const);
    if (outcome !== 'ok') this.lost(client, new Error(`LISTEN connection ping ${outcome}`));
  }
}
