import type { IncomingMessage } from 'node:http';
import type { ExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { type ResultSink, SharedResultStream } from './shared-execution.js';
import { frameHead, HeldFrames, payloadTail, tcpSocketOf, writeFrame } from './ws-frames.js';
import { createKeepAlive } from './ws-keep-alive.js';

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
 * graphql-ws on a `ws` server, as `graphql-ws/use/ws` does it, with these differences that
 * matter when one event goes to thousands of sockets (see src/events/README.md):
 *
 * - A subscription's results are pushed to its socket (SharedResultStream.pushTo), not pulled
 *   through graphql-ws's `for await` and message stringify; those of a sharing group are written
 *   in one loop per event (shared-fanout.ts), each frame in one write to the TCP socket.
 * - `send` does not wait for the bytes to reach the kernel (use/ws resolves each send in the
 *   socket's write callback: a callback and a promise per delivery). The backlog is bounded
 *   instead: past `maxBufferedBytes` a subscription pauses, and a socket that stays there
 *   reading nothing is cut with SLOW_CONSUMER.
 * - Per-message deflate stays off: frames are small and compressing each costs more than it saves.
 * - One keep-alive timer for all sockets (ws-keep-alive.ts).
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
    // A subscription's results go straight to its socket as `next` frames (see NextFrames);
    // graphql-ws keeps the rest: the subscribe and complete messages, errors, cancellation.
    onOperation: (ctx, id, payload, args, result) =>
      options.onOperation?.(ctx, id, payload, args, result) ??
      (result instanceof SharedResultStream
        ? result.pushTo(new NextFrames(ctx.extra.socket, id, limits, stats))
        : undefined),
  });
  const keepAlive = createKeepAlive(transport.keepAliveMs);
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
    const stopKeepAlive = keepAlive.watch(socket);
    socket.once('close', (code, reason) => {
      stopKeepAlive();
      void closed(code, String(reason));
    });
  });
  return {
    stats,
    async dispose(): Promise<void> {
      keepAlive.stop();
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
 * of a sharing group, so they are built once per group and event (payloadTail), and each frame is
 * the subscriber's own head (the WebSocket header and its prefix) plus those bytes, written to the
 * TCP socket in one piece. A class, not an object of closures: one of these lives per
 * subscription, and what it keeps is its head and its id (see the memory figures in
 * src/events/README.md).
 */
class NextFrames implements ResultSink {
  /** Consecutive events are often of the same length: their heads are the same bytes. */
  private head: Buffer | null = null;
  private headFor = -1;
  /** Set while the group's pass holds this subscription's writes (hold() to release()). */
  private held: HeldFrames | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly id: string,
    private readonly limits: Limits,
    private readonly stats: WsTransportStats,
  ) {}

  send(result: ExecutionResult): boolean {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return true; // it ends with the socket
    const tail = payloadTail(result);
    const tcp = tcpSocketOf(socket);
    if (tail && tcp) {
      if (this.head === null || tail.length !== this.headFor) {
        this.head = frameHead(
          `{"id":${JSON.stringify(this.id)},"type":"next","payload":`,
          tail.length,
        );
        this.headFor = tail.length;
      }
      if (this.held) this.held.add(this.head, tail);
      else writeFrame(tcp, this.head, tail);
      // ws's bufferedAmount is this plus what its sender queues while it compresses or reads a
      // blob, which it never does here (deflate off, strings only); read directly, it spares a
      // look at one more object per delivery.
      const held = this.held?.bytes ?? 0;
      if (tcp.writableLength + held <= this.limits.maxBufferedBytes) return true;
      return withinBound(socket, this.limits, this.stats, held);
    }
    this.flush(); // what is held goes first: this subscription's frames stay in order
    socket.send(JSON.stringify({ id: this.id, type: 'next', payload: result }), TEXT_FRAME);
    return withinBound(socket, this.limits, this.stats);
  }

  whenWritable(callback: () => void): void {
    whenWritable(this.socket, this.limits, callback);
  }

  hold(): void {
    this.held = new HeldFrames();
    holdersOf(this.socket).add(this);
  }

  release(): void {
    this.flush();
    this.held = null;
    holders.get(this.socket)?.delete(this);
  }

  /** Writes what is held now: at the end of the pass, or before another message of its socket. */
  flush(): void {
    const { held, socket } = this;
    if (!held) return;
    const tcp = tcpSocketOf(socket);
    if (tcp && socket.readyState === socket.OPEN) held.flush(tcp);
    else held.drop();
  }
}

/**
 * The subscriptions of a socket whose `next` frames are held in a pass. graphql-ws's own messages
 * on that socket (a `complete` or `error` after a subscription's last `next`) flush them first, so
 * no message overtakes the frames held before it.
 */
const holders = new WeakMap<WebSocket, Set<NextFrames>>();
function holdersOf(socket: WebSocket): Set<NextFrames> {
  const known = holders.get(socket);
  if (known) return known;
  const set = new Set<NextFrames>();
  holders.set(socket, set);
  return set;
}

/** Messages other than `next` (graphql-ws's own), with the same bound. */
function sendBounded(
  socket: WebSocket,
  data: string,
  limits: Limits,
  stats: WsTransportStats,
): Promise<void> | undefined {
  if (socket.readyState !== socket.OPEN) return;
  const held = holders.get(socket);
  if (held) for (const frames of held) frames.flush();
  socket.send(data, TEXT_FRAME);
  if (withinBound(socket, limits, stats)) return;
  return new Promise<void>((resolve) => whenWritable(socket, limits, resolve));
}

/** False once the socket holds more unsent bytes than the bound; then it is watched. */
function withinBound(
  socket: WebSocket,
  limits: Limits,
  stats: WsTransportStats,
  held = 0,
): boolean {
  if (socket.bufferedAmount + held <= limits.maxBufferedBytes) return true;
  watchSlowConsumer(socket, limits, stats);
  return false;
}

/** Calls back once the socket is back under its bound; never if it closes first. */
function whenWritable(socket: WebSocket, limits: Limits, callback: () => void): void {
  const check = () => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount <= limits.maxBufferedBytes) {
      drained.set(socket, (drained.get(socket) ?? 0) + 1);
      return callback();
    }
    const tcp = tcpSocketOf(socket);
    // 'drain' comes only after a write that passed the stream's high-water mark.
    if (tcp?.writableNeedDrain) tcp.once('drain', check);
    else setTimeout(check, RECHECK_MS).unref();
  };
  check();
}

const RECHECK_MS = 20;
const watched = new WeakSet<WebSocket>();
/** Times a socket came back under its bound: one that makes progress is slow, not stalled. */
const drained = new WeakMap<WebSocket, number>();

function watchSlowConsumer(socket: WebSocket, limits: Limits, stats: WsTransportStats): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  const drainedAtStart = drained.get(socket) ?? 0;
  const backlogAtStart = socket.bufferedAmount;
  setTimeout(() => {
    watched.delete(socket);
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount <= limits.maxBufferedBytes) return;
    // Still reading, only slowly: watch it for another period.
    if ((drained.get(socket) ?? 0) !== drainedAtStart || socket.bufferedAmount < backlogAtStart)
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
