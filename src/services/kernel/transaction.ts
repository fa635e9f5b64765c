import { type PrismaClient, sqlSourceOf, type Transaction } from '../../db/client.js';
import { runPgTransaction } from '../../db/pg-transaction.js';
import type { PgTransaction } from '../../db/raw-sql.js';
import { applyTenantScope, type TenantScope, unscopedClient } from '../../db/tenant-scope.js';

export interface TransactionOptions {
  /** How long the whole transaction may take (default 60 s: bulk submissions and lock waits). */
  timeoutMs?: number;
  /** How long to wait for a pooled connection (default 30 s). */
  maxWaitMs?: number;
  /** Attempts on a deadlock or serialization failure (default 5). */
  attempts?: number;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** True for a deadlock or serialization failure, however deep the driver wrapped it. */
export function isRetryableConflict(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const candidate = current as {
      code?: unknown;
      originalCode?: unknown;
      meta?: unknown;
      cause?: unknown;
      message?: unknown;
    };
    if (candidate.code === 'P2034') return true;
    if (
      typeof candidate.originalCode === 'string' &&
      RETRYABLE_SQLSTATES.has(candidate.originalCode)
    )
      return true;
    if (typeof candidate.code === 'string' && RETRYABLE_SQLSTATES.has(candidate.code)) return true;
    if (
      typeof candidate.message === 'string' &&
      /deadlock detected|could not serialize access/.test(candidate.message)
    )
      return true;
    const meta = candidate.meta as { driverAdapterError?: unknown } | undefined;
    current = meta?.driverAdapterError ?? candidate.cause;
  }
  return false;
}

/**
 * Runs `work` in one interactive transaction (READ COMMITTED). Every row a service changes is
 * locked in a fixed order, but a deadlock across unrelated paths is still possible in principle:
 * PostgreSQL then aborts one transaction, which is retried whole here (its effects were rolled
 * back, and the idempotency row is part of the same transaction, so a retry is safe).
 * Its first statement sets the tenant scope the database's row-level security checks.
 */
export function runTransaction<T>(
  prisma: PrismaClient,
  scope: TenantScope,
  work: (tx: Transaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return retryingConflicts(options, () =>
    unscopedClient(prisma).$transaction(
      async (tx) => {
        await applyTenantScope(tx, scope);
        return work(tx);
      },
      { timeout: timeoutOf(options), maxWait: maxWaitOf(options) },
    ),
  );
}

/**
 * runTransaction for work that sends raw SQL only (a decision): on one of the same pool's
 * connections through pg itself, without Prisma's machinery per statement; the same isolation,
 * scope, timeouts and retries.
 */
export function runSqlTransaction<T>(
  prisma: PrismaClient,
  scope: TenantScope,
  work: (tx: PgTransaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const source = sqlSourceOf(unscopedClient(prisma));
  return retryingConflicts(options, () =>
    runPgTransaction(source, scope, work, {
      timeoutMs: timeoutOf(options),
      maxWaitMs: maxWaitOf(options),
    }),
  );
}

const timeoutOf = (options: TransactionOptions) => options.timeoutMs ?? 60_000;
const maxWaitOf = (options: TransactionOptions) => options.maxWaitMs ?? 30_000;

/** Runs `attempt` again after a deadlock or serialization failure, up to `options.attempts` times. */
async function retryingConflicts<T>(
  options: TransactionOptions,
  attempt: () => Promise<T>,
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= attempts || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * tried + Math.random() * 20 * tried));
    }
  }
}
