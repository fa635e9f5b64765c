import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';
import { z } from 'zod';
import {
  DEFAULT_TOKEN_LIFETIME,
  DEVELOPMENT_SECRET,
  type TokenConfig,
  type TokenLifetime,
} from '../config.js';
import { isUuid } from '../db/uuid.js';
import { type Identity, ROLES } from './identity.js';

export interface TokenSettings {
  /** HS256 secret for self-hosting. */
  secret: Uint8Array | null;
  /** An identity provider's key set; used instead of the secret when set. */
  jwks: JWTVerifyGetKey | null;
  issuer?: string;
  audience?: string;
  /** Required `exp`, bounded lifetime, tolerated skew (default DEFAULT_TOKEN_LIFETIME). */
  lifetime?: TokenLifetime;
}

/** The verification settings of a validated configuration (src/config.ts). */
export function tokenSettingsFrom(config: TokenConfig): TokenSettings {
  return {
    secret: config.secret ? new TextEncoder().encode(config.secret) : null,
    jwks: config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null,
    issuer: config.issuer,
    audience: config.audience,
    lifetime: config.lifetime ?? DEFAULT_TOKEN_LIFETIME,
  };
}

/** The development secret's settings: what `startQuell` uses when given no token configuration. */
export function developmentTokenSettings(): TokenSettings {
  return tokenSettingsFrom({ secret: DEVELOPMENT_SECRET, jwksUrl: null });
}

/**
 * @deprecated The name is historical: nothing below src/server reads the environment. Returns
 * the development settings, the ones a server started without configuration (tests) verifies.
 */
export const tokenSettingsFromEnv = developmentTokenSettings;

const claimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).default([]),
  groups: z.union([z.literal('*'), z.array(z.string()), z.array(z.string()).length(0)]).default([]),
  did: z.string().optional(),
});

export class InvalidTokenError extends Error {}

/** Verifies a bearer token and reads its claims; any flaw is an InvalidTokenError. */
export async function verifyToken(token: string, settings: TokenSettings): Promise<Identity> {
  return (await verifyTokenUntil(token, settings)).identity;
}

/** verifyToken, with the instant (ms) past which the token is refused: `exp` plus the skew. */
export async function verifyTokenUntil(
  token: string,
  settings: TokenSettings,
): Promise<{ identity: Identity; acceptedUntil: number }> {
  const lifetime = settings.lifetime ?? DEFAULT_TOKEN_LIFETIME;
  let payload: JWTPayload;
  try {
    const options = {
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: lifetime.clockSkewSeconds,
      requiredClaims: ['exp'],
    };
    payload = settings.jwks
      ? (await jwtVerify(token, settings.jwks, options)).payload
      : (await jwtVerify(token, settings.secret!, { ...options, algorithms: ['HS256'] })).payload;
  } catch (error) {
    throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('token claims are incomplete');
  refuseUnboundedLifetime(payload, claims.data.roles.includes('agent'), lifetime);
  const { sub, tid, roles, groups, did } = claims.data;
  const groupClaim =
    groups === '*' || (Array.isArray(groups) && groups.includes('*')) ? 'all' : groups;
  const deviceId = did === undefined ? null : deviceIdOfClaim(did);
  if (deviceId === undefined) throw new InvalidTokenError('claim did must be a device id');
  const identity: Identity = {
    subject: sub,
    tenantId: tid,
    roles: new Set(roles),
    groups: groupClaim,
    deviceId,
  };
  return { identity, acceptedUntil: ((payload.exp ?? 0) + lifetime.clockSkewSeconds) * 1000 };
}

/**
 * A token must end (jose already refused a missing or past `exp`), within the configured lifetime
 * counted from its `iat` (or from now without one), and may not claim to be issued in the future:
 * a leaked token is then useful for a bounded time only. Agents have their own, longer bound.
 */
function refuseUnboundedLifetime(payload: JWTPayload, agent: boolean, lifetime: TokenLifetime) {
  const now = Math.floor(Date.now() / 1000);
  const skew = lifetime.clockSkewSeconds;
  const maxLifetime = agent ? lifetime.maxAgentLifetimeSeconds : lifetime.maxLifetimeSeconds;
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
  if (issuedAt > now + skew) throw new InvalidTokenError('"iat" claim is in the future');
  if ((payload.exp ?? 0) - issuedAt > maxLifetime + skew)
    throw new InvalidTokenError(
      `token lifetime exceeds the allowed ${Math.round(maxLifetime / 3600)} hours`,
    );
}

/**
 * The device a `did` claim names: its database id, or its API (global) id as an admin copies it
 * from a query. Anything else is undefined: a token naming no device must not be half-trusted.
 */
function deviceIdOfClaim(did: string): string | undefined {
  if (isUuid(did)) return did.toLowerCase();
  try {
    const { typename, id } = decodeGlobalID(did);
    return typename === 'Device' && isUuid(id) ? id.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenClaims {
  sub: string;
  tid: string;
  roles: string[];
  groups: '*' | string[];
  did?: string;
}

/** Signs an HS256 token: the development token printed at start, tests and scripts. */
export async function signToken(
  claims: TokenClaims,
  secret: Uint8Array,
  expiresIn = '12h',
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}
