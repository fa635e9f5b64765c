/**
 * Rate limits (SPEC §5, issue 10 item 5), read once at start-up and passed down.
 *
 * Budgets are token buckets counted in the operation cost the cost limit already computes (about
 * the fields an operation may resolve; at most 20,000). Each operation is charged at least
 * `minimumCost`, the fixed work of any request (parse, authenticate, a transaction), so a flood of
 * tiny operations is bounded too.
 *
 * | variable | default | why |
 * | --- | --- | --- |
 * | `QUELL_RATE_LIMIT` | `on` | `off` turns budgets and the WebSocket cap off |
 * | `QUELL_RATE_SUBJECT_CAPACITY` | 200,000 | a subject's burst: ten maximal operations, 20,000 minimal ones |
 * | `QUELL_RATE_SUBJECT_PER_SECOND` | 2,000 | sustained: 200 minimal operations a second, a maximal one every 10 s |
 * | `QUELL_RATE_TENANT_CAPACITY` | 1,000,000 | a tenant's burst: five subjects at their full burst |
 * | `QUELL_RATE_TENANT_PER_SECOND` | 10,000 | sustained: five subjects at their full rate |
 * | `QUELL_RATE_MINIMUM_COST` | 10 | what the cheapest operation is charged |
 * | `QUELL_MAX_WEBSOCKETS_PER_SUBJECT` | 100 | open WebSockets per subject on one instance |
 */
export interface RateLimitSettings {
  enabled: boolean;
  subject: { capacity: number; refillPerSecond: number };
  tenant: { capacity: number; refillPerSecond: number };
  minimumCost: number;
  /** Open WebSockets one subject may hold on one server instance. */
  maxWebSocketsPerSubject: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  subject: { capacity: 200_000, refillPerSecond: 2_000 },
  tenant: { capacity: 1_000_000, refillPerSecond: 10_000 },
  minimumCost: 10,
  maxWebSocketsPerSubject: 100,
};

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

export function rateLimitSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const d = DEFAULT_RATE_LIMITS;
  return {
    enabled: env.QUELL_RATE_LIMIT !== 'off',
    subject: {
      capacity: positive(env, 'QUELL_RATE_SUBJECT_CAPACITY', d.subject.capacity),
      refillPerSecond: positive(env, 'QUELL_RATE_SUBJECT_PER_SECOND', d.subject.refillPerSecond),
    },
    tenant: {
      capacity: positive(env, 'QUELL_RATE_TENANT_CAPACITY', d.tenant.capacity),
      refillPerSecond: positive(env, 'QUELL_RATE_TENANT_PER_SECOND', d.tenant.refillPerSecond),
    },
    minimumCost: positive(env, 'QUELL_RATE_MINIMUM_COST', d.minimumCost),
    maxWebSocketsPerSubject: positive(
      env,
      'QUELL_MAX_WEBSOCKETS_PER_SUBJECT',
      d.maxWebSocketsPerSubject,
    ),
  };
}
