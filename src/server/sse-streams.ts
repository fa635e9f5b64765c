import type { IncomingMessage, ServerResponse } from 'node:http';
import { atExpiry, tokenExpiry } from './token-expiry.js';

/**
 * The open GraphQL-over-SSE responses (yoga serves them for `Accept: text/event-stream`).
 * Ending one without an `event: complete` is the SSE way to say "reconnect": clients treat a
 * completed stream as finished and a dropped one as something to retry (with their last cursor).
 */
export function createSseStreams() {
  const open = new Set<ServerResponse>();

  return {
    /** Watches a request: if it is an event stream, it ends when its token expires or at shutdown. */
    track(request: IncomingMessage, response: ServerResponse): void {
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) return;
      open.add(response);
      const expiresAt = tokenExpiry(request.headers.authorization);
      const cancel = expiresAt === null ? () => undefined : atExpiry(expiresAt, () => response.end());
      response.once('close', () => {
        cancel();
        open.delete(response);
      });
    },
    get size(): number {
      return open.size;
    },
    endAll(): void {
      for (const response of open) response.end();
    },
  };
}
