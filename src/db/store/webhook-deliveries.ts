import type { PrismaClient } from '../client.js';
import { utc } from './sql.js';

/** A delivery claimed by one worker, with what its attempt needs. */
export interface ClaimedDelivery {
  id: string;
  tenantId: string;
  webhookId: string;
  payload: unknown;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: Date;
  url: string;
  secret: string;
  enabled: boolean;
}

export interface ClaimLimits {
  /** At most this many deliveries claimed now (the worker's free slots). */
  limit: number;
  /** At most this many deliveries of one webhook in flight, across every instance. */
  perWebhook: number;
  leaseUntil: Date;
  now: Date;
}

/**
 * Leases due deliveries of every tenant to `owner` (the delivery worker spans tenants by design).
 * A webhook already holding `perWebhook` leased deliveries gets no more, so a receiver that
 * hangs cannot take every slot. The UPDATE re-checks the lease on the locked row: when two
 * instances pick the same delivery, one of them claims it.
 */
export function claimDueDeliveries(
  prisma: PrismaClient,
  owner: string,
  limits: ClaimLimits,
): Promise<ClaimedDelivery[]> {
  const now = utc(limits.now);
  return prisma.$queryRaw<ClaimedDelivery[]>`
    WITH busy AS (
      SELECT "webhookId", count(*)::int AS n FROM webhook_deliveries
      WHERE status = 'PENDING' AND "leaseUntil" > ${now}::timestamp
      GROUP BY "webhookId"),
    due AS (
      SELECT id, "webhookId", "nextAttemptAt",
             row_number() OVER (PARTITION BY "webhookId" ORDER BY "nextAttemptAt", id) AS rank
      FROM webhook_deliveries
      WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now}::timestamp
        AND ("leaseUntil" IS NULL OR "leaseUntil" <= ${now}::timestamp)),
    chosen AS (
      SELECT due.id FROM due LEFT JOIN busy USING ("webhookId")
      WHERE due.rank + COALESCE(busy.n, 0) <= ${limits.perWebhook}
      ORDER BY due."nextAttemptAt", due.id
      LIMIT ${limits.limit})
    UPDATE webhook_deliveries d
    SET "leaseOwner" = ${owner}, "leaseUntil" = ${utc(limits.leaseUntil)}::timestamp
    FROM chosen, webhooks w
    WHERE d.id = chosen.id AND w.id = d."webhookId" AND d.status = 'PENDING'
      AND (d."leaseUntil" IS NULL OR d."leaseUntil" <= ${now}::timestamp)
    RETURNING d.id, d."tenantId", d."webhookId", d.payload, d.attempts, d."createdAt",
              w.url, w.secret, w.enabled`;
}

/** Gives back the leases `owner` still holds (a stopping server): another instance retries them at once. */
export async function releaseDeliveryLeases(prisma: PrismaClient, owner: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE webhook_deliveries SET "leaseOwner" = NULL, "leaseUntil" = NULL
    WHERE "leaseOwner" = ${owner} AND status = 'PENDING'`;
}
