import { GraphQLError } from 'graphql';
import type { Identity } from '../auth/identity.js';
import type { RateLimitSettings } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { takeTokens } from '../db/store/index.js';

/** One budget's state after an operation, as `extensions.cost` shows it. */
export interface BudgetStatus {
  remaining: number;
  capacity: number;
  restorePerSecond: number;
}

/** What an operation was charged (GitHub's `rateLimit`, Shopify's `extensions.cost`). */
export interface RateCharge {
  allowed: boolean;
  /** The operation's cost, as the cost limit computes it. */
  requested: number;
  /** What was taken from each budget: the cost, at least the minimum, at most a bucket's size. */
  charged: number;
  subject: BudgetStatus;
  tenant: BudgetStatus;
  /** Whole seconds until the operation would pass (0 when allowed). */
  retryAfter: number;
  /** Which budget refused it. */
  exhausted: 'subject' | 'tenant' | null;
}

export interface RateLimiter {
  /** Charges an operation of `cost` to the subject's and the tenant's budgets; null when off. */
  charge(identity: Identity, cost: number): Promise<RateCharge | null>;
}

/**
 * Token buckets in PostgreSQL (table `rate_limit_buckets`, one statement per operation): server
 * processes are stateless and several share one database, so a budget kept in memory would be
 * multiplied by the number of instances behind the load balancer. The table is UNLOGGED (no WAL,
 * no flush at commit): losing the buckets in a crash only refills them.
 */
export function createRateLimiter(prisma: PrismaClient, settings: RateLimitSettings): RateLimiter {
  return {
    async charge(identity, cost) {
      if (!settings.enabled) return null;
      const charged = Math.max(Math.ceil(cost), settings.minimumCost);
      const tenant = { key: `tenant:${identity.tenantId}`, ...settings.tenant };
      const subject = {
        key: `subject:${identity.tenantId}:${identity.subject}`,
        ...settings.subject,
      };
      // Always tenant, then subject: the function locks rows in this order, so no deadlock.
      const result = await takeTokens(prisma, [tenant, subject], charged);
      const status = (bucket: typeof tenant, i: number): BudgetStatus => ({
        remaining: Math.max(0, Math.floor(result.remaining[i] ?? 0)),
        capacity: bucket.capacity,
        restorePerSecond: bucket.refillPerSecond,
      });
      const subjectShort = (result.remaining[1] ?? 0) < Math.min(charged, subject.capacity);
      return {
        allowed: result.allowed,
        requested: cost,
        charged,
        tenant: status(tenant, 0),
        subject: status(subject, 1),
        retryAfter: result.allowed ? 0 : Math.max(1, Math.ceil(result.retryAfterSeconds)),
        exhausted: result.allowed ? null : subjectShort ? 'subject' : 'tenant',
      };
    },
  };
}

/** `extensions.cost` of a served (or refused) operation. */
export function costExtension(charge: RateCharge) {
  return {
    requested: charge.requested,
    charged: charge.allowed ? charge.charged : 0,
    subject: charge.subject,
    tenant: charge.tenant,
  };
}

/** The refusal: RATE_LIMITED, when to retry, and HTTP 429 with Retry-After on HTTP and SSE. */
export function rateLimited(charge: RateCharge): GraphQLError {
  const whose = charge.exhausted === 'tenant' ? "your tenant's" : 'your';
  return new GraphQLError(
    `Rate limit: this operation costs ${charge.charged} and ${whose} budget holds less; retry after ${charge.retryAfter} s.`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfter: charge.retryAfter,
        budget: charge.exhausted,
        cost: costExtension(charge),
        http: { status: 429, headers: { 'Retry-After': String(charge.retryAfter) } },
      },
    },
  );
}
