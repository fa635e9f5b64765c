import type { Identity } from '../auth/identity.js';
import { InvalidTokenError, type TokenSettings } from '../auth/tokens.js';
import { verifyTokenRemembered } from '../auth/verified-tokens.js';

/** Reads `Bearer <jwt>` from a header value; null when absent or not a bearer token. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Finds the authorization value in a graphql-ws `connection_init` payload, any key case. */
export function authorizationFromConnectionParams(
  params: Readonly<Record<string, unknown>> | undefined,
): unknown {
  if (!params) return undefined;
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === 'authorization') return value;
  }
  return undefined;
}

export type AuthenticationResult =
  | { identity: Identity }
  | { error: 'missing' | 'invalid'; message: string };

export async function authenticate(
  header: unknown,
  settings: TokenSettings,
): Promise<AuthenticationResult> {
  const token = bearerToken(header);
  if (!token)
    return {
      error: 'missing',
      message: 'A bearer token is required (Authorization: Bearer <jwt>).',
    };
  try {
    return { identity: await verifyTokenRemembered(token, settings) };
  } catch (error) {
    if (error instanceof InvalidTokenError)
      return { error: 'invalid', message: `The bearer token was refused: ${error.message}` };
    throw error;
  }
}
