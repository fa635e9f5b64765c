import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/client.js';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  releaseDeliveryLeases,
} from '../../db/store/index.js';
import { ALL_TENANTS, scopedClient } from '../../db/tenant-scope.js';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetrySchedule } from '../../policy/webhook-retry.js';
import { type AttemptSettings, attemptDelivery } from './delivery-attempt.js';
import { DEVELOPMENT_WEBHOOK_NETWORK, type WebhookNetworkPolicy } from './network-guard.js';

export interface WebhookDeliveryOptions {
  /** Where receivers may be (default: anywhere, as in development; production passes the strict policy). */
  network?: WebhookNetworkPolicy;
  /** An attempt without an answer after this long is cut and counts as failed (default 10 s). */
  timeoutMs?: number;
  /** Attempts in flight on this instance (default 16). */
  maxConcurrent?: number;
  /** Attempts in flight for one webhook, across instances (default 4). */
  perWebhookConcurrent?: number;
  /** How often due deliveries are looked for (default 500 ms; new ones also wake the worker). */
  intervalMs?: number;
  retry?: Partial<WebhookRetrySchedule>;
}

export type WebhookDeliveryWorker = ReturnType<typeof createWebhookDeliveryWorker>;

function settingsOf(options: WebhookDeliveryOptions) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempt: AttemptSettings = {
    timeoutMs,
    network: options.network ?? DEVELOPMENT_WEBHOOK_NETWORK,
    retry: { ...DEFAULT_WEBHOOK_RETRY, ...options.retry },
  };
  return {
    attempt,
    maxConcurrent: options.maxConcurrent ?? 16,
    perWebhook: options.perWebhookConcurrent ?? 4,
    intervalMs: options.intervalMs ?? 500,
    // Longer than any attempt: a lease outlives its attempt unless the instance died.
    leaseMs: timeoutMs * 2 + 30_000,
  };
}

/**
 * The webhook delivery worker (SPEC §7.2). Deliveries are rows: any instance leases the due ones
 * and sends them, so they survive restarts and each attempt is made by one instance. Attempts
 * run side by side up to a bound, each cut by the timeout, so a receiver that hangs holds a few
 * slots for a while and never the rule worker, the API or the other webhooks.
 */
export function createWebhookDeliveryWorker(
  prisma: PrismaClient,
  onError: (error: unknown, where: string) => void,
  options: WebhookDeliveryOptions = {},
) {
  const owner = randomUUID();
  const settings = settingsOf(options);
  // Leases are taken and given back across tenants by design (one worker serves them all); each
  // attempt is then recorded in its delivery's own tenant scope (attemptDelivery).
  const allTenants = scopedClient(prisma, ALL_TENANTS);
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;

  const launch = (delivery: ClaimedDelivery) => {
    const running = attemptDelivery(prisma, owner, delivery, settings.attempt, stopping.signal)
      .catch((error) => onError(error, 'webhook delivery'))
      .finally(() => {
        inFlight.delete(running);
        // A slot came free: there may be due deliveries waiting for one.
        wake();
      });
    inFlight.add(running);
  };

  const claimAndLaunch = async () => {
    const free = settings.maxConcurrent - inFlight.size;
    if (free <= 0 || stopping.signal.aborted) return;
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + settings.leaseMs);
    const limits = { limit: free, perWebhook: settings.perWebhook, leaseUntil, now };
    for (const delivery of await claimDueDeliveries(allTenants, owner, limits)) launch(delivery);
  };

  const look = coalesced(claimAndLaunch, (error) => onError(error, 'webhook delivery worker'));
  /** Looks for due deliveries now, once the worker runs (coalesced with a look under way). */
  const wake = () => {
    if (timer && !stopping.signal.aborted) look.run();
  };

  return {
    owner,
    wake,
    start() {
      if (timer || stopping.signal.aborted) return;
      timer = setInterval(wake, settings.intervalMs);
      timer.unref();
    },
    /** Stops looking, abandons attempts under way (unrecorded) and gives their leases back. */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      stopping.abort();
      await look.idle();
      await Promise.all(inFlight);
      await releaseDeliveryLeases(allTenants, owner);
    },
  };
}

/** Runs `task` one at a time: a call during a run asks for exactly one more run after it. */
function coalesced(task: () => Promise<void>, onError: (error: unknown) => void) {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = task()
      .catch(onError)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return { run, idle: async () => void (await running) };
}
