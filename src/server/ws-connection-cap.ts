import type { Identity } from '../auth/identity.js';

/** graphql-ws clients retry 1013 ("try again later") with their back-off; 4429 would be fatal. */
export const TRY_AGAIN_LATER = 1013;

/**
 * Open WebSockets per subject on this instance (issue 10 item 5). Kept in memory: a socket lives
 * on one instance, and the cap bounds what one subject can hold of *this* process's memory and
 * file descriptors; N instances allow N times the cap, which the load balancer's own limits bound.
 */
export function createWebSocketCap(maxPerSubject: number | null) {
  const open = new Map<string, number>();
  const keyOf = (identity: Identity) => JSON.stringify([identity.tenantId, identity.subject]);

  return {
    /** Takes a place for the subject; null when it holds the cap already, else the release. */
    acquire(identity: Identity): (() => void) | null {
      const key = keyOf(identity);
      const count = open.get(key) ?? 0;
      if (maxPerSubject !== null && count >= maxPerSubject) return null;
      open.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(key) ?? 1) - 1;
        if (left > 0) open.set(key, left);
        else open.delete(key);
      };
    },
  };
}
