import type { PrismaClient } from '../client.js';

export interface BucketRate {
  /** The bucket's key (callers namespace it: `tenant:<id>`, `subject:<tenant>:<sub>`). */
  key: string;
  /** The most tokens it holds: the largest burst. */
  capacity: number;
  /** Tokens it regains per second: the sustained rate. */
  refillPerSecond: number;
}

export interface TakeTokensResult {
  allowed: boolean;
  /** Tokens left in each bucket, in the order given. */
  remaining: number[];
  /** 0 when allowed; else the seconds until every bucket holds enough. */
  retryAfterSeconds: number;
}

/**
 * Takes `cost` tokens from all the buckets or from none, in one statement (the function
 * `quell_take_tokens` of the rate-limit migration): every instance on this database shares them.
 * Not in a transaction of the caller's: the row locks last only for this statement.
 */
export async function takeTokens(
  prisma: PrismaClient,
  buckets: readonly BucketRate[],
  cost: number,
): Promise<TakeTokensResult> {
  const [row] = await prisma.$queryRaw<
    { allowed: boolean; remaining: number[]; retry_after_seconds: number }[]
  >`
    SELECT allowed, remaining, retry_after_seconds FROM quell_take_tokens(
      ${buckets.map((b) => b.key)}::text[],
      ${buckets.map((b) => b.capacity)}::float8[],
      ${buckets.map((b) => b.refillPerSecond)}::float8[],
      ${cost}::float8)`;
  if (!row) throw new Error('quell_take_tokens returned no row');
  return {
    allowed: row.allowed,
    remaining: row.remaining,
    retryAfterSeconds: row.retry_after_seconds,
  };
}
