import type { ServerResponse } from 'node:http';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { serializedResult } from './shared-execution.js';
import type { ResultSink } from './shared-fanout.js';

export interface SseLimits {
  /** A response whose unsent bytes pass this bound pauses its subscription (as over ws). */
  maxBufferedBytes: number;
  /** How long it may stay over the bound without reading before it is cut (ended unfinished). */
  slowConsumerGraceMs: number;
}

export interface SseStats {
  slowConsumersCut: number;
}

const chunks = new WeakMap<object, Buffer>();

/**
 * `event: next\ndata: <result JSON>\n\n`, the bytes yoga's SSE writer sends for a result. A result
 * shared by a sharing group carries its JSON (serializedResult), so its chunk is built once and
 * the same buffer goes to every subscriber of the group.
 */
export function sseNextChunk(result: ExecutionResult): Buffer {
  const known = chunks.get(result);
  if (known) return known;
  const json = serializedResult(result);
  const chunk = Buffer.from(`event: next\ndata: ${json ?? withoutInternals(result)}\n\n`);
  if (json !== undefined) chunks.set(result, chunk);
  return chunk;
}

/** What yoga's SSE writer does to a result with errors: their `http` and `unexpected` extensions stay home. */
function withoutInternals(result: ExecutionResult): string {
  if (!result.errors?.length) return JSON.stringify(result);
  const errors = result.errors.map((error: GraphQLError) => {
    const { http: _http, unexpected: _unexpected, ...extensions } = error.extensions ?? {};
    const json = error.toJSON();
    return { ...json, extensions: Object.keys(extensions).length ? extensions : undefined };
  });
  return JSON.stringify({ ...result, errors });
}

/** Event-stream responses whose head yoga has produced: only those may carry `next` events. */
const eventStreams = new WeakSet<ServerResponse>();

/** Called for a response yoga answers with `text/event-stream` (sse-streams.ts's plugin). */
export function markEventStream(response: ServerResponse): void {
  eventStreams.add(response);
}

/** Yoga answered with an event stream and its head is written: bytes written now follow it. */
const started = (response: ServerResponse) => eventStreams.has(response) && response.headersSent;
const gone = (response: ServerResponse) => response.writableEnded || response.destroyed;

/** How long a subscription waits for its response's head before it is rechecked. */
const HEAD_RECHECK_MS = 2;
const RECHECK_MS = 20;

/**
 * The `next` events of one GraphQL-over-SSE subscription, written by its sharing group's loop
 * (shared-fanout.ts) next to yoga's own writes on the same response (the opening ping, keep-alive
 * pings, `complete`): each write is a whole event, so they never interleave. Events taken before
 * yoga wrote the response's head wait for it (the subscription pauses after the first one).
 */
export function sseResultSink(
  response: ServerResponse,
  limits: SseLimits,
  stats: SseStats,
): ResultSink {
  let waiting: Buffer[] = [];
  const flush = () => {
    for (const chunk of waiting) response.write(chunk);
    waiting = [];
  };
  const watch = slowConsumerWatch(response, limits, stats);
  return {
    send(result) {
      if (gone(response)) return true; // it ends with the response
      const chunk = sseNextChunk(result);
      if (!started(response)) {
        waiting.push(chunk);
        return false;
      }
      response.write(chunk);
      if (response.writableLength <= limits.maxBufferedBytes) return true;
      watch.start();
      return false;
    },
    whenWritable(callback) {
      const check = () => {
        if (gone(response)) return;
        if (!started(response)) return void setTimeout(check, HEAD_RECHECK_MS).unref();
        flush();
        if (response.writableLength <= limits.maxBufferedBytes) {
          watch.drained();
          return callback();
        }
        if (response.writableNeedDrain) response.once('drain', check);
        else setTimeout(check, RECHECK_MS).unref();
      };
      check();
    },
    hold: () => response.socket?.cork(),
    release: () => response.socket?.uncork(),
  };
}

/**
 * A response that stays over its bound for a grace period without reading anything is ended
 * without `complete`: its client reconnects with its last cursor and loses nothing.
 */
function slowConsumerWatch(response: ServerResponse, limits: SseLimits, stats: SseStats) {
  let timer: NodeJS.Timeout | null = null;
  let drained = 0;
  const start = () => {
    if (timer) return;
    const drainedAtStart = drained;
    const backlogAtStart = response.writableLength;
    timer = setTimeout(() => {
      timer = null;
      if (gone(response) || response.writableLength <= limits.maxBufferedBytes) return;
      if (drained !== drainedAtStart || response.writableLength < backlogAtStart) return start();
      stats.slowConsumersCut++;
      response.destroy();
    }, limits.slowConsumerGraceMs).unref();
  };
  return {
    start,
    drained: () => void drained++,
  };
}
