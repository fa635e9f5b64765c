import { decodeJwt } from 'jose';
import { bearerToken } from './authenticate.js';

/**
 * When the bearer token in `header` expires (ms since the epoch), or null without an `exp`.
 * Read without verifying: it is only used to end a connection that was already authenticated
 * with this very token (a forged `exp` could only shorten its own connection).
 */
export function tokenExpiry(header: unknown): number | null {
  const token = bearerToken(header);
  if (!token) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** setTimeout caps delays at ~24.8 days; longer waits are re-armed. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Runs `expire` at `at` (ms since the epoch), never synchronously (a token that expired between
 * authentication and the call still lets the caller finish setting up the stream it will end, so
 * the stream's own cleanup runs); returns a cancel function.
 */
export function atExpiry(at: number, expire: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = at - Date.now();
    timer = wait <= 0 ? setTimeout(expire, 0) : setTimeout(arm, Math.min(wait, MAX_DELAY));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
