import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { createSsePush, markEventStream, type StreamSubscribe } from './shared-sse-push.js';
import { atExpiry, tokenExpiry } from './token-expiry.js';
import type { SlowConsumerLimits } from './ws-transport.js';

/**
 * The open GraphQL-over-SSE responses, and how their subscriptions run (`subscribe`). Ending one without an `event: complete` is the SSE way to
 * say "reconnect": clients treat a completed stream as finished and a dropped one as something to
 * retry (with their last cursor).
 *
 * A response is an event stream when yoga answers with `text/event-stream`, which is not the same
 * as the request asking for it in so many words: yoga streams a subscription for any Accept that
 * matches (a wildcard, `text/` with a wildcard, any letter case, or no Accept at all). So streams are recognised
 * by the response yoga produced (the plugin below), never by the request's Accept header: a stream
 * missed here would outlive its token and ignore shutdown.
 */
export function createSseStreams(
  subscribe: StreamSubscribe,
  slowConsumers: SlowConsumerLimits = {},
) {
  const open = new Set<ServerResponse>();
  const pushed = createSsePush(subscribe, slowConsumers);

  /** Watches an event-stream response: it ends when its token expires or at shutdown. */
  function track(request: IncomingMessage, response: ServerResponse): void {
    if (open.has(response) || response.writableEnded || response.destroyed) return;
    open.add(response);
    const expiresAt = tokenExpiry(request.headers.authorization);
    const cancel = expiresAt === null ? () => undefined : atExpiry(expiresAt, () => response.end());
    response.once('close', () => {
      cancel();
      open.delete(response);
    });
  }

  return {
    /** A yoga plugin that tracks every event-stream response yoga sends (Node servers only). */
    plugin(): Plugin {
      return {
        // Each event is executed once per group of identical subscribers (shared-execution.ts)
        // and written to its members in one loop, as over graphql-ws.
        onSubscribe({ setSubscribeFn }) {
          setSubscribeFn(pushed.subscribe);
        },
        onResponse({ response, serverContext }) {
          if (
            !(response.headers.get('content-type') ?? '')
              .toLowerCase()
              .startsWith('text/event-stream')
          )
            return;
          const { req, res } = (serverContext ?? {}) as {
            req?: IncomingMessage;
            res?: ServerResponse;
          };
          if (!req || !res) return;
          markEventStream(res);
          track(req, res);
        },
      };
    },
    /** Slow consumers cut so far. */
    stats: pushed.stats,
    get size(): number {
      return open.size;
    },
    endAll(): void {
      for (const response of open) response.end();
    },
  };
}
