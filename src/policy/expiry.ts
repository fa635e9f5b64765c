/** SPEC §3.4: pending actions expire after 7 days (configurable) and then count as rejected (EXPIRED). */

export const DEFAULT_PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** When an action created (entering PENDING_APPROVAL) at `createdAt` expires. */
export function pendingExpiresAt(createdAt: Date, ttlMs: number = DEFAULT_PENDING_TTL_MS): Date {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(
      `the pending time-to-live must be a positive number of milliseconds (got ${ttlMs})`,
    );
  const at = createdAt.getTime();
  if (Number.isNaN(at)) throw new RangeError('createdAt is not a valid date');
  return new Date(at + ttlMs);
}

/** Expired from the instant `expiresAt` is reached (inclusive). No expiry time: never expires. */
export function isExpired(expiresAt: Date | null | undefined, now: Date): boolean {
  return expiresAt !== null && expiresAt !== undefined && now.getTime() >= expiresAt.getTime();
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * The pending time-to-live of a tenant (SPEC §7.1): its own setting in hours, else the
 * deployment's default (QUELL_PENDING_TTL_HOURS). A change applies to actions decided after it.
 */
export function tenantPendingTtlMs(tenantHours: number | null, defaultTtlMs: number): number {
  return tenantHours == null ? defaultTtlMs : tenantHours * HOUR_MS;
}

/** The TTL as tenant settings show it: whole hours, a default below one hour shown as 1. */
export function pendingTtlHoursShown(tenantHours: number | null, defaultTtlMs: number): number {
  return tenantHours ?? Math.max(1, Math.ceil(defaultTtlMs / HOUR_MS));
}
