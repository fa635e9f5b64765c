import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
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

const framed = new WeakMap<object, Buffer>();

/**
 * The event as one HTTP/1.1 chunk (`<size>\r\n<event>\r\n`), built once for a shared result: one
 * write of one buffer to the TCP socket per member, where the response's write() would make it
 * four pieces in a writev and a corked socket released on the next tick.
 */
function chunkOf(result: ExecutionResult): Buffer {
  const known = framed.get(result);
  if (known) return known;
  const event = sseNextChunk(result);
  const head = Buffer.from(`${event.length.toString(16)}\r\n`);
  const chunk = Buffer.allocUnsafe(head.length + event.length + 2);
  chunk.set(head, 0);
  chunk.set(event, head.length);
  chunk.write('\r\n', head.length + event.length);
  if (chunks.get(result) === event) framed.set(result, chunk);
  return chunk;
}

/** One whole chunk onto the TCP socket (its typings predate Buffer's generic ArrayBuffer). */
function writeChunk(tcp: Socket, chunk: Buffer): void {
  (tcp as { write(chunk: Buffer): boolean }).write(chunk);
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
  // Once the response has written something its head is on the socket, and a chunked body can
  // take whole chunks written under it, next to the response's own (each written synchronously).
  let opened = false;
  const flush = () => {
    for (const chunk of waiting) response.write(chunk);
    if (waiting.length > 0) opened = true;
    waiting = [];
  };
  const write = (result: ExecutionResult) => {
    const socket = response.socket;
    if (opened && socket && response.chunkedEncoding) return writeChunk(socket, chunkOf(result));
    response.write(sseNextChunk(result));
    opened = true;
  };
  const watch = slowConsumerWatch(response, limits, stats);
  return {
    send(result) {
      if (gone(response)) return true; // it ends with the response
      if (!started(response)) {
        waiting.push(sseNextChunk(result));
        return false;
      }
      write(result);
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
