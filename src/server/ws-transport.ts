import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { type DeliverResult, SharedResultStream, serializedResult } from './shared-execution.js';

/**
 * graphql-ws clients retry on 1013 (Try Again Later); a slow consumer cut with it reconnects and
 * resumes with its last cursor. 1008 or 4xxx codes would end such clients for good.
 */
export const SLOW_CONSUMER = 1013;

export interface SlowConsumerLimits {
  /** A socket whose unsent bytes pass this bound is cut with SLOW_CONSUMER (default 1 MiB). */
  maxBufferedBytes?: number;
  /** How long a socket may stay over the bound without reading anything before it is cut (default 30 s). */
  slowConsumerGraceMs?: number;
}

export interface WsTransportOptions extends SlowConsumerLimits {
  /** Ping interval; a peer that misses a pong for as long is dropped. */
  keepAliveMs: number;
}

export interface WsTransportStats {
  slowConsumersCut: number;
  /** The most unsent bytes a socket held when it was cut: what a stalled client costs in memory. */
  largestCutBacklogBytes: number;
}

export interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
}

/**
 * graphql-ws on a `ws` server, as `graphql-ws/use/ws` does it, with three differences that
 * matter when one event goes to thousands of sockets:
 *
 * - `send` does not wait for the bytes to reach the kernel. use/ws resolves each send in the
 *   socket's write callback, so every delivery costs a callback and a promise, and a peer that
 *   stops reading parks its subscription forever. Here a send returns at once and the backlog is
 *   bounded instead: past `maxBufferedBytes` the socket is cut with SLOW_CONSUMER.
 * - A subscription's results are pushed to its socket (SharedResultStream.pushTo), not pulled
 *   through graphql-ws's `for await` and message stringify. A result that shared-execution.ts
 *   serialised (one per group of identical subscribers and event) is encoded once, and each
 *   subscriber's frame is its own id prefix plus those bytes.
 * - Per-message deflate stays off: frames are small and compressing each costs more than it saves.
 */
export function useWsTransport<
  P extends Record<string, unknown>,
  E extends Record<string, unknown>,
>(
  options: ServerOptions<P, Extra & Partial<E>>,
  wsServer: WebSocketServer,
  transport: WsTransportOptions,
) {
  const stats: WsTransportStats = { slowConsumersCut: 0, largestCutBacklogBytes: 0 };
  const limits = {
    maxBufferedBytes: transport.maxBufferedBytes ?? 1024 * 1024,
    slowConsumerGraceMs: transport.slowConsumerGraceMs ?? 30_000,
  };
  const server = makeServer<P, Extra & Partial<E>>({
    ...options,
    // A subscription's results go straight to its socket as `next` frames (see nextFrames);
    // graphql-ws keeps the rest: the subscribe and complete messages, errors, cancellation.
    onOperation: (ctx, id, payload, args, result) =>
      options.onOperation?.(ctx, id, payload, args, result) ??
      (result instanceof SharedResultStream
        ? result.pushTo(nextFrames(ctx.extra.socket, id, limits, stats))
        : undefined),
  });
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.options.perMessageDeflate = false;
  wsServer.on('connection', (socket, request) => {
    socket.once('error', () => socket.close(CloseCode.InternalServerError, 'Socket error'));
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => sendBounded(socket, data, limits, stats),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (onMessage) => socket.on('message', (data) => relay(socket, onMessage, data)),
      },
      { socket, request } as Extra & Partial<E>,
    );
    const stopKeepAlive = keepAlive(socket, transport.keepAliveMs);
    socket.once('close', (code, reason) => {
      stopKeepAlive();
      void closed(code, String(reason));
    });
  });
  return {
    stats,
    async dispose(): Promise<void> {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) =>
        wsServer.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

interface Limits {
  maxBufferedBytes: number;
  slowConsumerGraceMs: number;
}

/** ws sends bytes as a binary frame unless told otherwise; graphql-ws messages are text. */
const TEXT_FRAME = { binary: false } as const;

/**
 * The `next` messages of one subscription, as graphql-ws would write them
 * (`{"id":…,"type":"next","payload":…}`). The bytes after the id are the same for every subscriber
 * of a sharing group, so they are built once per group and event (payloadTail) and only the
 * subscriber's own prefix is added.
 */
function nextFrames(
  socket: WebSocket,
  id: string,
  limits: Limits,
  stats: WsTransportStats,
): DeliverResult {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  return (result) => {
    const tail = payloadTail(result);
    if (!tail)
      return sendBounded(
        socket,
        JSON.stringify({ id, type: 'next', payload: result }),
        limits,
        stats,
      );
    const frame = Buffer.allocUnsafe(prefix.length + tail.length);
    frame.set(prefix, 0);
    frame.set(tail, prefix.length);
    return sendBounded(socket, frame, limits, stats);
  };
}

const tails = new WeakMap<object, Buffer>();

/** `<result JSON>}` for a result shared by a group, encoded once; undefined for any other. */
function payloadTail(result: object): Buffer | undefined {
  let tail = tails.get(result);
  if (tail) return tail;
  const json = serializedResult(result);
  if (json === undefined) return undefined;
  tail = Buffer.from(`${json}}`);
  tails.set(result, tail);
  return tail;
}

/**
 * Sends without waiting while the socket keeps up: no callback, no promise. A message that takes
 * the socket's unsent bytes past the bound makes its subscription wait until it is written before
 * pulling the next event, so the backlog stays in the log (the subscription falls back to its own
 * reads) and not in memory; if the socket is still over the bound after the grace period, it is cut.
 */
function sendBounded(
  socket: WebSocket,
  frame: Buffer | string,
  limits: Limits,
  stats: WsTransportStats,
): Promise<void> | undefined {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount + frame.length <= limits.maxBufferedBytes) {
    socket.send(frame, TEXT_FRAME);
    return;
  }
  watchSlowConsumer(socket, limits, stats);
  return new Promise<void>((resolve) =>
    // Called once the bytes reach the kernel, or with an error when the socket goes away.
    socket.send(frame, TEXT_FRAME, () => {
      flushed.set(socket, (flushed.get(socket) ?? 0) + 1);
      resolve();
    }),
  );
}

const watched = new WeakSet<WebSocket>();
/** Messages sent over the bound that reached the kernel: a socket that makes progress is slow, not stalled. */
const flushed = new WeakMap<WebSocket, number>();

function watchSlowConsumer(socket: WebSocket, limits: Limits, stats: WsTransportStats): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  const progressAtStart = flushed.get(socket) ?? 0;
  setTimeout(() => {
    watched.delete(socket);
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount <= limits.maxBufferedBytes) return;
    // Still reading, only slowly: watch it for another period.
    if ((flushed.get(socket) ?? 0) !== progressAtStart)
      return watchSlowConsumer(socket, limits, stats);
    // It has not read what it was sent: a client that is merely slow reads the close frame and
    // resumes with its cursor; one that reads nothing is destroyed, which frees what it left.
    stats.slowConsumersCut++;
    stats.largestCutBacklogBytes = Math.max(stats.largestCutBacklogBytes, socket.bufferedAmount);
    socket.close(SLOW_CONSUMER, 'Slow consumer: reconnect and resume from your last cursor');
    setTimeout(() => socket.terminate(), CUT_CLOSE_WAIT_MS).unref();
  }, limits.slowConsumerGraceMs).unref();
}

/** How long a cut socket may take to read its close frame before it is destroyed. */
const CUT_CLOSE_WAIT_MS = 1_000;

async function relay(
  socket: WebSocket,
  onMessage: (data: string) => Promise<void>,
  data: unknown,
): Promise<void> {
  try {
    await onMessage(String(data));
  } catch (error) {
    // A close reason is limited to 123 bytes.
    socket.close(CloseCode.InternalServerError, 'Internal error while handling a message');
    console.error('[ws] message handling failed:', error);
  }
}

/** Pings every `intervalMs`; a peer that has not answered by the next ping is terminated. */
function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) return () => undefined;
  let answered = true;
  socket.on('pong', () => (answered = true));
  const timer = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    if (!answered) return socket.terminate();
    answered = false;
    socket.ping();
  }, intervalMs);
  return () => clearInterval(timer);
}
