import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_TOKEN_LIFETIME, type TokenLifetime } from '../config.js';
import { ROLES } from './identity.js';
import { signToken } from './tokens.js';

export const TOKEN_USAGE = `Usage: token [options]   (npm run token -- [options])

Prints a signed bearer token (HS256, QUELL_JWT_SECRET or the development secret).

Options:
  --sub <subject>      who the token names (default dev-admin)
  --tid <tenant>       tenant id (default demo)
  --roles <list>       comma-separated, of ${ROLES.join(', ')} (default admin,ingest)
  --groups <list>      device group names, comma-separated, or * for all (default *)
  --did <device id>    the device of an agent token
  --expires <time>     lifetime such as 30m, 12h, 7d (default 12h, or the server's
                       QUELL_MAX_TOKEN_LIFETIME_HOURS when shorter; never beyond it)
  -h, --help           this text`;

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const optionsSchema = z.object({
  sub: z.string().min(1, '--sub must not be empty'),
  tid: z.string().min(1, '--tid must not be empty').max(200, '--tid is too long'),
  roles: z
    .string()
    .transform(list)
    .pipe(
      z
        .array(z.enum(ROLES, { error: `--roles takes ${ROLES.join(', ')}` }))
        .min(1, '--roles is empty'),
    ),
  groups: z.string().transform((value) => (value.trim() === '*' ? ('*' as const) : list(value))),
  did: z.string().min(1).optional(),
  expires: z
    .string()
    .regex(/^\d+\s*(s|m|h|d|w)$/, '--expires takes a number and a unit: 30m, 12h, 7d')
    .optional(),
});

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DEFAULT_EXPIRES_SECONDS = 12 * 3600;

function seconds(duration: string): number {
  const [, amount, unit] = /^(\d+)\s*(\w)$/.exec(duration) ?? [];
  return Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? Number.NaN);
}

/**
 * The lifetime to mint, in seconds, or why not: a token the server would refuse (longer than its
 * bound, the agents' bound for the `agent` role) is not minted at all.
 */
function lifetimeSeconds(
  expires: string | undefined,
  agent: boolean,
  lifetime: TokenLifetime,
): number | string {
  const max = agent ? lifetime.maxAgentLifetimeSeconds : lifetime.maxLifetimeSeconds;
  if (expires === undefined) return Math.min(DEFAULT_EXPIRES_SECONDS, max);
  if (seconds(expires) <= max) return seconds(expires);
  const variable = agent
    ? 'QUELL_MAX_AGENT_TOKEN_LIFETIME_HOURS'
    : 'QUELL_MAX_TOKEN_LIFETIME_HOURS';
  return `--expires ${expires} is beyond the server's maximum token lifetime (${variable}: ${max / 3600} hours)`;
}

/**
 * The token command as a function (the `quell` CLI wraps it): arguments in, text and an exit code
 * out; a bad option is one line and exit code 2, never a stack.
 */
export async function runTokenCommand(
  argv: readonly string[],
  secret: string | null,
  lifetime: TokenLifetime = DEFAULT_TOKEN_LIFETIME,
): Promise<CommandResult> {
  const fail = (message: string) => ({ exitCode: 2, stdout: '', stderr: `token: ${message}\n` });
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        sub: { type: 'string', default: 'dev-admin' },
        tid: { type: 'string', default: 'demo' },
        roles: { type: 'string', default: 'admin,ingest' },
        groups: { type: 'string', default: '*' },
        did: { type: 'string' },
        expires: { type: 'string' },
      },
    }));
  } catch (error) {
    return fail(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { exitCode: 0, stdout: `${TOKEN_USAGE}\n`, stderr: '' };
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? 'invalid option');
  if (!secret) return fail('tokens of an identity provider (QUELL_JWKS_URL) cannot be minted here');
  const { sub, tid, roles, groups, did, expires } = parsed.data;
  const lifetimeOrRefusal = lifetimeSeconds(expires, roles.includes('agent'), lifetime);
  if (typeof lifetimeOrRefusal === 'string') return fail(lifetimeOrRefusal);
  const claims = { sub, tid, roles, groups, ...(did ? { did } : {}) };
  const encoded = new TextEncoder().encode(secret);
  const token = await signToken(claims, encoded, `${lifetimeOrRefusal}s`);
  return { exitCode: 0, stdout: `${token}\n`, stderr: '' };
}
