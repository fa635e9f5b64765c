import { ServerResponse } from 'node:http';
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { SharedResultStream } from './shared-execution.js';
import { type SseStats, sseResultSink } from './shared-sse-sink.js';
import type { SlowConsumerLimits } from './ws-transport.js';

export { markEventStream } from './shared-sse-sink.js';

export type StreamSubscribe = (
  args: ExecutionArgs,
) => Promise<SharedResultStream | ExecutionResult>;

/** The Node response of a yoga request (its server context); null elsewhere. */
function responseOf(context: unknown): ServerResponse | null {
  const res = (context as { res?: unknown } | null)?.res;
  return res instanceof ServerResponse ? res : null;
}

/**
 * Yoga's subscribe for GraphQL over SSE. A shared subscription's events are written by its
 * sharing group's loop straight to the response (shared-sse-sink.ts), the same bytes for every
 * member, as over graphql-ws; yoga's SSE writer is left with an iterator that yields nothing and
 * ends with the stream, so it still writes the head, the pings and `complete`, and its
 * cancellation ends the subscription. Over HTTP a subscription's async result can only become an
 * event stream (yoga offers no other writer for it).
 */
export function createSsePush(subscribe: StreamSubscribe, slowConsumers: SlowConsumerLimits) {
  const stats: SseStats = { slowConsumersCut: 0 };
  // The same bounds as over WebSocket (ws-transport.ts).
  const limits = {
    maxBufferedBytes: slowConsumers.maxBufferedBytes ?? 1024 * 1024,
    slowConsumerGraceMs: slowConsumers.slowConsumerGraceMs ?? 30_000,
  };
  return {
    stats,
    async subscribe(args: ExecutionArgs) {
      const result = await subscribe(args);
      const response = responseOf(args.contextValue);
      if (!(result instanceof SharedResultStream) || !response) return result;
      const pushed = result.pushTo(sseResultSink(response, limits, stats));
      // Also when yoga answers otherwise (a 406) and never iterates it.
      response.once('close', () => void pushed.return?.());
      return pushed;
    },
  };
}
