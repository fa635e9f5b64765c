/**
 * When a webhook delivery is tried again (SPEC §7.2): exponential backoff after each failed
 * attempt (an error or a non-2xx answer), for a bounded time after the delivery was queued; past
 * that the delivery is FAILED. Pure: the delivery worker passes the clock in.
 */
export interface WebhookRetrySchedule {
  /** Wait after the first failed attempt; each later failure doubles it (default 10 s). */
  readonly firstDelayMs: number;
  /** The longest wait between two attempts (default 1 h). */
  readonly maxDelayMs: number;
  /** No attempt starts later than this after the delivery was queued (default 24 h). */
  readonly retryForMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetrySchedule = {
  firstDelayMs: 10_000,
  maxDelayMs: 3_600_000,
  retryForMs: 24 * 3_600_000,
};

/** The wait after `failedAttempts` failures in a row (1 → firstDelayMs, 2 → twice that, …). */
export function backoffDelayMs(schedule: WebhookRetrySchedule, failedAttempts: number): number {
  const doublings = Math.min(Math.max(failedAttempts - 1, 0), 40);
  return Math.min(schedule.firstDelayMs * 2 ** doublings, schedule.maxDelayMs);
}

/**
 * The time of the next attempt after a failed one, or null when the retry window has closed
 * (the delivery then ends FAILED).
 */
export function nextAttemptAt(
  schedule: WebhookRetrySchedule,
  failedAttempts: number,
  queuedAt: Date,
  now: Date,
): Date | null {
  const next = now.getTime() + backoffDelayMs(schedule, failedAttempts);
  return next - queuedAt.getTime() > schedule.retryForMs ? null : new Date(next);
}
