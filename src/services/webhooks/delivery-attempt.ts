import type { PrismaClient } from '../../db/client.js';
import type { ClaimedDelivery } from '../../db/store/index.js';
import { tenantScope } from '../../db/tenant-scope.js';
import { nextAttemptAt, type WebhookRetrySchedule } from '../../policy/webhook-retry.js';
import { runTransaction } from '../kernel/transaction.js';
import type { WebhookNetworkPolicy } from './network-guard.js';
import { type AttemptResult, postDelivery } from './post-delivery.js';
import { signWebhookBody, WEBHOOK_HEADERS } from './signature.js';

export interface AttemptSettings {
  timeoutMs: number;
  network: WebhookNetworkPolicy;
  retry: WebhookRetrySchedule;
}

/**
 * The body of one attempt: the queued event plus the delivery id and the time it is sent. The
 * time is inside the signed body, so a receiver can refuse old replays; the delivery id is the
 * same on every attempt, so it can drop duplicates.
 */
export function deliveryBody(delivery: ClaimedDelivery, sentAt: Date): string {
  const event = delivery.payload as Record<string, unknown>;
  return JSON.stringify({ deliveryId: delivery.id, sentAt: sentAt.toISOString(), ...event });
}

function deliveryHeaders(delivery: ClaimedDelivery, body: string, sentAt: Date) {
  return {
    'content-type': 'application/json',
    'user-agent': 'Quell-Webhooks/1',
    [WEBHOOK_HEADERS.delivery]: delivery.id,
    [WEBHOOK_HEADERS.timestamp]: String(Math.floor(sentAt.getTime() / 1000)),
    [WEBHOOK_HEADERS.signature]: signWebhookBody(delivery.secret, body),
  };
}

/** Sends one attempt (a disabled webhook's delivery fails without a request). */
async function send(
  delivery: ClaimedDelivery,
  settings: AttemptSettings,
  stop: AbortSignal,
): Promise<AttemptResult> {
  if (!delivery.enabled) return { statusCode: null, error: 'webhook disabled', durationMs: 0 };
  const sentAt = new Date();
  const body = deliveryBody(delivery, sentAt);
  const headers = deliveryHeaders(delivery, body, sentAt);
  return postDelivery(new URL(delivery.url), body, { ...settings, headers, stop });
}

/**
 * One attempt of a claimed delivery, recorded with its outcome: DELIVERED on a 2xx answer, else
 * PENDING again after the backoff, or FAILED once the retry window has closed. Recorded only
 * while this worker still holds the lease; an attempt cut short by the server stopping is not
 * recorded (the lease is given back and the next instance sends it again, same delivery id).
 */
export async function attemptDelivery(
  prisma: PrismaClient,
  owner: string,
  delivery: ClaimedDelivery,
  settings: AttemptSettings,
  stop: AbortSignal,
): Promise<void> {
  const startedAt = new Date();
  const result = await send(delivery, settings, stop);
  if (stop.aborted) return;
  const attempt = delivery.attempts + 1;
  const delivered =
    result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const finishedAt = new Date();
  const retryAt = delivered
    ? null
    : nextAttemptAt(settings.retry, attempt, delivery.createdAt, finishedAt);
  const lastError = delivered ? null : (result.error ?? `answered HTTP ${result.statusCode}`);
  await runTransaction(prisma, tenantScope(delivery.tenantId), async (tx) => {
    const updated = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, leaseOwner: owner, status: 'PENDING' },
      data: {
        attempts: attempt,
        lastStatusCode: result.statusCode,
        lastError,
        status: delivered ? 'DELIVERED' : retryAt ? 'PENDING' : 'FAILED',
        nextAttemptAt: retryAt ?? undefined,
        deliveredAt: delivered ? finishedAt : null,
        leaseOwner: null,
        leaseUntil: null,
      },
    });
    if (updated.count === 0) return;
    await tx.webhookDeliveryAttempt.create({
      data: {
        deliveryId: delivery.id,
        attempt,
        tenantId: delivery.tenantId,
        startedAt,
        ...result,
        error: lastError,
      },
    });
  });
}
