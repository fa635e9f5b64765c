import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../db/client.js';
import type { RawSql } from '../../db/raw-sql.js';
import {
  deleteExpiredIdempotencyRecords,
  findIdempotencyRecord,
  insertOrTakeOverIdempotencyRecord,
  storeIdempotencyResponse,
} from '../../db/store/index.js';
import { DomainError } from './errors.js';

/** Keys live at least this long (SPEC §5: at least 24 h); QUELL_IDEMPOTENCY_TTL_HOURS overrides. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** A JSON text of `value` with object keys sorted, so equal inputs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, inner]) => inner !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/** The hash that says whether a retry carries the same request: the operation and its normalized input. */
export function requestHash(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(operation)
    .update('\n')
    .update(canonicalJson(input))
    .digest('hex');
}

export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `idempotencyKey: must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      'idempotencyKey',
    );
  }
  if (key.includes('\u0000'))
    throw new DomainError(
      'BAD_USER_INPUT',
      'idempotencyKey: must not contain NUL characters (U+0000).',
      'idempotencyKey',
    );
  return key;
}

export interface IdempotencyClaim {
  tenantId: string;
  subject: string;
  key: string;
  operation: string;
  requestHash: string;
  now: Date;
  ttlMs: number;
}

export type ClaimResult = { claimed: true } | { claimed: false; response: unknown };

/**
 * Claims a key inside the transaction that does the work. The INSERT takes the key's unique-index
 * entry: a concurrent request with the same key blocks on it until this transaction ends; if it
 * commits, the other finds the stored row and replays its response; if it rolls back (the work
 * failed), the other proceeds as the first. An expired row is taken over. The same key with another
 * request (operation or input) is IDEMPOTENCY_KEY_REUSED.
 */
export async function claimIdempotencyKey(
  tx: RawSql,
  claim: IdempotencyClaim,
): Promise<ClaimResult> {
  const expiresAt = new Date(claim.now.getTime() + claim.ttlMs);
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await insertOrTakeOverIdempotencyRecord(tx, { ...claim, expiresAt });
    if (claimed) return { claimed: true };
    const existing = await findIdempotencyRecord(tx, claim);
    if (!existing) continue; // purged between the two statements: claim again
    if (existing.operation !== claim.operation || existing.requestHash !== claim.requestHash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        `idempotencyKey: this key was already used for another request (${existing.operation}); use a new key for new input.`,
        'idempotencyKey',
      );
    }
    return { claimed: false, response: existing.response };
  }
  throw new Error('could not claim the idempotency key');
}

export async function storeIdempotentResponse(
  tx: RawSql,
  claim: IdempotencyClaim,
  response: unknown,
): Promise<void> {
  await storeIdempotencyResponse(tx, claim, JSON.stringify(response ?? null));
}

/** Deletes expired keys; called now and then (and by the background sweeper). Returns how many. */
export async function purgeExpiredIdempotencyKeys(
  prisma: PrismaClient | RawSql,
  now: Date,
): Promise<number> {
  return deleteExpiredIdempotencyRecords(prisma, now);
}
