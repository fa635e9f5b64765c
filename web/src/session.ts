// Who is signed in. The token lives in sessionStorage only (never a URL or a cookie): it goes with
// the tab and is sent as a bearer header. Its claims are read to show the user who they are and
// which buttons apply; the server verifies it on every call.

export interface Session {
  token: string;
  subject: string;
  tenant: string;
  roles: string[];
  groups: '*' | string[];
  /** Milliseconds since the epoch, or null for a token without `exp`. */
  expiresAt: number | null;
}

const STORAGE_KEY = 'quell.accessToken';

interface Claims {
  sub?: unknown;
  tid?: unknown;
  roles?: unknown;
  groups?: unknown;
  exp?: unknown;
}

function decodeClaims(token: string): Claims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null ? (claims as Claims) : null;
  } catch {
    return null;
  }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The session a token opens, or the reason it cannot be used. */
export function sessionFromToken(raw: string, now = Date.now()): Session | { problem: string } {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const claims = decodeClaims(token);
  if (!claims || typeof claims.sub !== 'string' || typeof claims.tid !== 'string') {
    return { problem: 'This is not a Quell access token (a JWT with sub and tid).' };
  }
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  if (expiresAt !== null && expiresAt <= now) return { problem: 'The access token has expired.' };
  return {
    token,
    subject: claims.sub,
    tenant: claims.tid,
    roles: strings(claims.roles),
    groups: claims.groups === '*' ? '*' : strings(claims.groups),
    expiresAt,
  };
}

/** Approve, reject and undo are for responders (admin includes responder). */
export const canRespond = (session: Session): boolean =>
  session.roles.includes('responder') || session.roles.includes('admin');

export const storedToken = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeToken = (token: string): void => sessionStorage.setItem(STORAGE_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(STORAGE_KEY);
