import { createHash } from 'node:crypto';

/**
 * The idempotency key of one batch: a digest of what the batch asks (operation, its ids in a
 * fixed order, comment, options). A resend of the same batch — by the retry loop or by running
 * the same command again — carries the same key, so the server replays the first result instead
 * of deciding twice; a different batch can never collide with it.
 */
export function batchIdempotencyKey(
  operation: string,
  ids: readonly string[],
  extra: Record<string, unknown> = {},
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify({ operation, ids: [...ids].sort(), extra }))
    .digest('hex');
  return `quell-cli:${operation}:${digest}`;
}
