import type { RawSql } from '../raw-sql.js';
import { utc } from './sql.js';

export interface IdempotencyRecordKey {
  tenantId: string;
  subject: string;
  key: string;
}

/**
 * Inserts the key's record, or takes over an expired one; true when this transaction now holds
 * it. The INSERT takes the key's unique-index entry: a concurrent claim blocks until this
 * transaction ends.
 */
export async function insertOrTakeOverIdempotencyRecord(
  tx: RawSql,
  record: IdempotencyRecordKey & {
    operation: string;
    requestHash: string;
    now: Date;
    expiresAt: Date;
  },
): Promise<boolean> {
  const inserted = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotency_records ("tenantId", subject, key, operation, "requestHash", response, "createdAt", "expiresAt")
    VALUES (${record.tenantId}, ${record.subject}, ${record.key}, ${record.operation}, ${record.requestHash}, 'null'::jsonb,
            ${utc(record.now)}::timestamp, ${utc(record.expiresAt)}::timestamp)
    ON CONFLICT ("tenantId", subject, key) DO UPDATE
      SET operation = EXCLUDED.operation, "requestHash" = EXCLUDED."requestHash", response = EXCLUDED.response,
          "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
      WHERE idempotency_records."expiresAt" <= ${utc(record.now)}::timestamp
    RETURNING key`;
  return inserted.length === 1;
}

/** The key's record as stored (its operation, request hash and response), if any. */
export async function findIdempotencyRecord(
  tx: RawSql,
  record: IdempotencyRecordKey,
): Promise<{ operation: string; requestHash: string; response: unknown } | undefined> {
  const [found] = await tx.$queryRaw<
    { operation: string; requestHash: string; response: unknown }[]
  >`
    SELECT operation, "requestHash", response FROM idempotency_records
    WHERE "tenantId" = ${record.tenantId} AND subject = ${record.subject} AND key = ${record.key}`;
  return found;
}

export async function storeIdempotencyResponse(
  tx: RawSql,
  record: IdempotencyRecordKey,
  responseJson: string,
): Promise<void> {
  await tx.$executeRaw`
    UPDATE idempotency_records SET response = ${responseJson}::jsonb
    WHERE "tenantId" = ${record.tenantId} AND subject = ${record.subject} AND key = ${record.key}`;
}

/** Deletes expired keys; returns how many. */
export async function deleteExpiredIdempotencyRecords(prisma: RawSql, now: Date): Promise<number> {
  return prisma.$executeRaw`DELETE FROM idempotency_records WHERE "expiresAt" <= ${utc(now)}::timestamp`;
}
