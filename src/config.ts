// Every environment variable Quell reads, read here once and validated at start; everything else
// receives the parsed configuration. The README's configuration table is rendered from `VARIABLES`
// (test/server/config.test.ts keeps it in step).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { markdownTable } from './markdown-table.js';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.data/postgres', import.meta.url));

const hours = (atLeast: number) =>
  z.coerce
    .number({ error: 'must be a number of hours' })
    .positive('must be a positive number of hours')
    .min(atLeast, `must be at least ${atLeast} hours`)
    .transform((value) => value * 3_600_000);

const postgresUrl = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^postgres(ql)?:$/.test(url.protocol) && url.hostname !== '';
}, 'must be a postgresql://user@host:port/database URL');

const text = z.string().trim().min(1, 'must not be empty');

const positive = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a positive number' })
    .positive('must be a positive number')
    .default(fallback);

interface Variable {
  schema: z.ZodType;
  /** As the README shows it. */
  shown: string;
  meaning: string;
}

/** The variables, in the README's order. */
export const VARIABLES = {
  PORT: {
    schema: z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole port number')
      .min(0, 'must be a port number from 0 to 65535')
      .max(65535, 'must be a port number from 0 to 65535')
      .default(4000),
    shown: '`4000`',
    meaning: 'HTTP and WebSocket port (`0`: any free port)',
  },
  HOST: {
    schema: text.default('127.0.0.1'),
    shown: '`127.0.0.1`',
    meaning: 'interface to listen on (`0.0.0.0` for all)',
  },
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    shown: '(embedded)',
    meaning:
      'any PostgreSQL, as the serving role (a member of `quell_app`: no superuser, owns nothing; src/db/README.md); when unset an embedded server is started with both roles',
  },
  QUELL_MIGRATION_DATABASE_URL: {
    schema: postgresUrl.optional(),
    shown: '`DATABASE_URL`',
    meaning:
      'the owner of the tables, for migrations (production warns when the serving role is a superuser or owns the tables)',
  },
  QUELL_DATA_DIR: {
    schema: text.default(DEFAULT_DATA_DIR),
    shown: '`.data/postgres`',
    meaning: 'where the embedded PostgreSQL keeps its data (and how to reach it while it runs)',
  },
  QUELL_JWT_SECRET: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    shown: 'development secret',
    meaning: 'HS256 secret for bearer tokens (required in production)',
  },
  QUELL_JWKS_URL: {
    schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    shown: '—',
    meaning: 'verify tokens of an identity provider (its key set) instead of the secret',
  },
  QUELL_JWT_ISSUER: { schema: text.optional(), shown: '—', meaning: 'required `iss` of tokens' },
  QUELL_JWT_AUDIENCE: { schema: text.optional(), shown: '—', meaning: 'required `aud` of tokens' },
  QUELL_PENDING_TTL_HOURS: {
    schema: hours(0).optional(),
    shown: '`168` (7 days)',
    meaning: 'how long an action waits for approval before it expires',
  },
  QUELL_INVESTIGATION_TIMEOUT_HOURS: {
    schema: hours(0).optional(),
    shown: '`24`',
    meaning: 'a running investigation without findings this long is terminated by the system',
  },
  QUELL_EXECUTOR: {
    schema: z
      .enum(['simulated', 'agent'], { error: 'must be `simulated` or `agent`' })
      .default('simulated'),
    shown: '`simulated`',
    meaning: '`simulated` completes actions at once; `agent` leaves them to endpoint agents',
  },
  QUELL_COLLECTION_MAX_BYTES: {
    schema: z.coerce
      .number({ error: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .positive('must be a positive number of bytes')
      .max(1024 * 1024 * 1024, 'must be at most 1073741824 (1 GiB)')
      .optional(),
    shown: '`52428800` (50 MB)',
    meaning: 'largest file or investigation package an agent may upload (SPEC §7.4)',
  },
  QUELL_IDEMPOTENCY_TTL_HOURS: {
    schema: hours(24).optional(),
    shown: '`24`',
    meaning: 'how long an `idempotencyKey` is remembered (at least 24)',
  },
  QUELL_WEBHOOK_PRIVATE_NETWORKS: {
    schema: z.enum(['on', 'off'], { error: 'must be `on` or `off`' }).optional(),
    shown: '`off` in production, else `on`',
    meaning:
      'let webhooks reach loopback, private and link-local addresses (SSRF guard when `off`; production also requires https)',
  },
  QUELL_WEBHOOK_TIMEOUT_SECONDS: {
    schema: z.coerce
      .number({ error: 'must be a number of seconds' })
      .positive('must be a positive number of seconds')
      .max(300, 'must be at most 300 seconds')
      .default(10),
    shown: '`10`',
    meaning:
      'a webhook receiver that has not answered after this long is cut (the attempt is retried)',
  },
  QUELL_METRICS_TOKEN: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    shown: '—',
    meaning: '`/metrics` then requires `Authorization: Bearer <this token>`',
  },
  LOG_LEVEL: {
    schema: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
        error: 'must be one of trace, debug, info, warn, error, fatal, silent',
      })
      .default('info'),
    shown: '`info`',
    meaning: 'least severe log level written (one JSON line per request at `info`)',
  },
  LOG_FORMAT: {
    schema: z.enum(['json', 'pretty'], { error: 'must be `json` or `pretty`' }).optional(),
    shown: '`pretty` on a terminal, else `json`',
    meaning: '`json` forces one JSON line per entry on a terminal too; pipes always get JSON',
  },
  QUELL_MAX_TOKEN_LIFETIME_HOURS: {
    schema: hours(0).default(24 * 3_600_000),
    shown: '`24`',
    meaning: 'longest lifetime (`exp` − `iat`) of an accepted token; `exp` is required',
  },
  QUELL_MAX_AGENT_TOKEN_LIFETIME_HOURS: {
    schema: hours(0).default(720 * 3_600_000),
    shown: '`720` (30 days)',
    meaning: 'the same for tokens with the `agent` role (agents run unattended)',
  },
  QUELL_TOKEN_CLOCK_SKEW_SECONDS: {
    schema: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(0, 'must be 0 or more')
      .max(600, 'must be at most 600 seconds')
      .default(60),
    shown: '`60`',
    meaning: 'tolerated clock difference for `exp` and `iat` (an `iat` further ahead is refused)',
  },
  QUELL_CORS_ORIGINS: {
    schema: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url({ error: 'must list origins like https://console.example.com' })))
      .transform((origins) => origins.map((origin) => new URL(origin).origin))
      .default([]),
    shown: '— (same origin only)',
    meaning: 'comma-separated origins whose pages may call the API with CORS (never reflected)',
  },
  QUELL_RATE_LIMIT: {
    schema: z.enum(['on', 'off'], { error: 'must be `on` or `off`' }).default('on'),
    shown: '`on`',
    meaning: '`off` turns the rate budgets and the WebSocket cap off',
  },
  QUELL_RATE_SUBJECT_CAPACITY: {
    schema: positive(200_000),
    shown: '`200000`',
    meaning: "a subject's burst in cost points: ten maximal operations, 20,000 minimal ones",
  },
  QUELL_RATE_SUBJECT_PER_SECOND: {
    schema: positive(2_000),
    shown: '`2000`',
    meaning: "a subject's refill per second: 200 minimal operations, a maximal one every 10 s",
  },
  QUELL_RATE_TENANT_CAPACITY: {
    schema: positive(1_000_000),
    shown: '`1000000`',
    meaning: "a tenant's burst in cost points: five subjects at their full burst",
  },
  QUELL_RATE_TENANT_PER_SECOND: {
    schema: positive(10_000),
    shown: '`10000`',
    meaning: "a tenant's refill per second: five subjects at their full rate",
  },
  QUELL_RATE_MINIMUM_COST: {
    schema: positive(10),
    shown: '`10`',
    meaning: 'what the cheapest operation is charged (parse, authenticate, a transaction)',
  },
  QUELL_MAX_WEBSOCKETS_PER_SUBJECT: {
    schema: positive(100),
    shown: '`100`',
    meaning: 'open WebSockets per subject on one instance (beyond: close 1013, retry later)',
  },
  QUELL_INTROSPECTION: {
    schema: z.enum(['on', 'off'], { error: 'must be `on` or `off`' }).optional(),
    shown: '`off` in production, else `on`',
    meaning: 'serve `__schema` / `__type` (schema introspection)',
  },
  QUELL_SQL_READ_PATH: {
    schema: z.enum(['on', 'off'], { error: 'must be `on` or `off`' }).default('on'),
    shown: '`on`',
    meaning:
      '`off` answers the hot reads through graphql-js and Prisma instead of one statement that builds the whole response in PostgreSQL',
  },
  NODE_ENV: {
    schema: z.string().optional(),
    shown: '—',
    meaning:
      '`production` turns off GraphiQL, the development token, field suggestions and error details',
  },
} satisfies Record<string, Variable>;

type Variables = typeof VARIABLES;
type Parsed = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

/** Bounds on a token's lifetime (issue 10 item 9); defaults in DEFAULT_TOKEN_LIFETIME. */
export interface TokenLifetime {
  /** Longest `exp - iat` (or `exp - now` without `iat`) accepted, in seconds. */
  maxLifetimeSeconds: number;
  /** The same bound for tokens with the `agent` role. */
  maxAgentLifetimeSeconds: number;
  clockSkewSeconds: number;
}

export const DEFAULT_TOKEN_LIFETIME: TokenLifetime = {
  maxLifetimeSeconds: 24 * 3600,
  maxAgentLifetimeSeconds: 720 * 3600,
  clockSkewSeconds: 60,
};

export interface TokenConfig {
  secret: string | null;
  jwksUrl: string | null;
  issuer?: string;
  audience?: string;
  /** Default: DEFAULT_TOKEN_LIFETIME. */
  lifetime?: TokenLifetime;
}

export interface QuellConfig {
  production: boolean;
  /** Serve schema introspection (off in production unless QUELL_INTROSPECTION=on). */
  introspection: boolean;
  port: number;
  host: string;
  /** null: start the embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  /** The owner of the tables, for migrations; null: `databaseUrl`. */
  migrationDatabaseUrl: string | null;
  dataDir: string;
  tokens: TokenConfig;
  services: {
    executor: 'simulated' | 'agent';
    pendingTtlMs?: number;
    idempotencyTtlMs?: number;
    investigationTimeoutMs?: number;
    webhooks: {
      network: { allowPrivateNetworks: boolean; allowHttp: boolean };
      timeoutMs: number;
    };
    collectionMaxBytes?: number;
  };
  metricsToken: string | null;
  /** Origins allowed to call with CORS (normalized); empty: same origin only. */
  corsOrigins: string[];
  rateLimits: RateLimitSettings;
  /** The hot list reads through the SQL read path (QUELL_SQL_READ_PATH). */
  sqlReadPath: boolean;
  log: { level: string; pretty: boolean };
}

/**
 * Rate limits (SPEC §5, issue 10 item 5). Budgets are token buckets counted in the operation cost
 * the cost limit already computes (at most 20,000). Each operation is charged at least
 * `minimumCost`, the fixed work of any request, so a flood of tiny operations is bounded too.
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

/** A value an operator must fix: printed as one line, exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The development secret, used only when QUELL_JWT_SECRET is unset outside production. */
export const DEVELOPMENT_SECRET = 'quell-development-secret-do-not-use-in-production';

const SECRETS = new Set([
  'DATABASE_URL',
  'QUELL_MIGRATION_DATABASE_URL',
  'QUELL_JWT_SECRET',
  'QUELL_METRICS_TOKEN',
]);

function parseVariables(env: Readonly<Record<string, string | undefined>>): Parsed {
  const parsed: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(VARIABLES) as [string, Variable][]) {
    // An empty value is "unset", as shells and .env files commonly write it.
    const raw = env[name] === '' ? undefined : env[name];
    const result = variable.schema.safeParse(raw);
    if (!result.success) {
      // Values that may hold credentials are never echoed.
      const shown =
        raw === undefined || SECRETS.has(name) ? '' : ` (got ${JSON.stringify(raw.slice(0, 80))})`;
      throw new ConfigError(`${name} ${result.error.issues[0]?.message ?? 'is invalid'}${shown}`);
    }
    parsed[name] = result.data;
  }
  return parsed as Parsed;
}

function rateLimitsOf(v: Parsed): RateLimitSettings {
  return {
    enabled: v.QUELL_RATE_LIMIT === 'on',
    subject: {
      capacity: v.QUELL_RATE_SUBJECT_CAPACITY,
      refillPerSecond: v.QUELL_RATE_SUBJECT_PER_SECOND,
    },
    tenant: {
      capacity: v.QUELL_RATE_TENANT_CAPACITY,
      refillPerSecond: v.QUELL_RATE_TENANT_PER_SECOND,
    },
    minimumCost: v.QUELL_RATE_MINIMUM_COST,
    maxWebSocketsPerSubject: v.QUELL_MAX_WEBSOCKETS_PER_SUBJECT,
  };
}

/** Reads and validates the configuration; a bad value is a ConfigError naming the variable. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  terminal: boolean = process.stdout.isTTY === true,
): QuellConfig {
  const v = parseVariables(env);
  const production = v.NODE_ENV === 'production';
  if (production && !v.QUELL_JWT_SECRET && !v.QUELL_JWKS_URL) {
    throw new ConfigError('QUELL_JWT_SECRET (or QUELL_JWKS_URL) must be set in production');
  }
  return {
    production,
    introspection: v.QUELL_INTROSPECTION ? v.QUELL_INTROSPECTION === 'on' : !production,
    port: v.PORT,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL ?? null,
    migrationDatabaseUrl: v.QUELL_MIGRATION_DATABASE_URL ?? null,
    dataDir: v.QUELL_DATA_DIR,
    tokens: {
      secret: v.QUELL_JWT_SECRET ?? (production ? null : DEVELOPMENT_SECRET),
      jwksUrl: v.QUELL_JWKS_URL ?? null,
      issuer: v.QUELL_JWT_ISSUER,
      audience: v.QUELL_JWT_AUDIENCE,
      lifetime: {
        maxLifetimeSeconds: v.QUELL_MAX_TOKEN_LIFETIME_HOURS / 1000,
        maxAgentLifetimeSeconds: v.QUELL_MAX_AGENT_TOKEN_LIFETIME_HOURS / 1000,
        clockSkewSeconds: v.QUELL_TOKEN_CLOCK_SKEW_SECONDS,
      },
    },
    services: {
      executor: v.QUELL_EXECUTOR,
      pendingTtlMs: v.QUELL_PENDING_TTL_HOURS,
      idempotencyTtlMs: v.QUELL_IDEMPOTENCY_TTL_HOURS,
      investigationTimeoutMs: v.QUELL_INVESTIGATION_TIMEOUT_HOURS,
      webhooks: {
        network: {
          allowPrivateNetworks:
            (v.QUELL_WEBHOOK_PRIVATE_NETWORKS ?? (production ? 'off' : 'on')) === 'on',
          allowHttp: !production,
        },
        timeoutMs: v.QUELL_WEBHOOK_TIMEOUT_SECONDS * 1000,
      },
      collectionMaxBytes: v.QUELL_COLLECTION_MAX_BYTES,
    },
    metricsToken: v.QUELL_METRICS_TOKEN ?? null,
    corsOrigins: v.QUELL_CORS_ORIGINS,
    rateLimits: rateLimitsOf(v),
    sqlReadPath: v.QUELL_SQL_READ_PATH === 'on',
    // Pretty only for a person at a terminal, never into a pipe or file (collectors want JSON).
    log: { level: v.LOG_LEVEL, pretty: terminal && v.LOG_FORMAT !== 'json' },
  };
}

/** The README's configuration table, rendered from VARIABLES. */
export function configurationTable(): string {
  return markdownTable([
    ['variable', 'default', 'meaning'],
    ...Object.entries(VARIABLES).map(([name, v]: [string, Variable]) => [
      `\`${name}\``,
      v.shown,
      v.meaning,
    ]),
  ]);
}
