import { createHash } from 'node:crypto';

/**
 * A short, collision-resistant stand-in for a long key (a printed document, a scope, a Prisma
 * query). Computed once per subscription, it keeps the per-event map lookups of 1,000
 * subscribers from hashing kilobyte strings; SHA-256 because sharing a result under a colliding
 * key would cross scopes.
 */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
