import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { serializedResult } from './shared-execution.js';

/**
 * The start of a server-to-client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked)
 * whose payload is `prefix` then `tailLength` more bytes: the WebSocket header and `prefix`, the
 * part of a `next` frame that is a subscriber's own. The rest, the same for a whole sharing group,
 * is written after it from one shared buffer (writeFrame), so a delivery copies no payload and a
 * frame waiting in a socket's buffer holds only these few bytes of its own.
 */
export function frameHead(prefix: string, tailLength: number): Buffer {
  const prefixLength = Buffer.byteLength(prefix);
  const length = prefixLength + tailLength;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  // Not from Buffer's shared 8 KB pool: a subscriber keeps its head for as long as it is
  // subscribed, and a pooled slice would keep its whole slab alive (measured at 3,000
  // subscribers: 908 slabs, 7 MB, held by heads and prefixes made between other allocations).
  const head = Buffer.allocUnsafeSlow(header + prefixLength);
  head[0] = 0x81;
  if (length < 126) {
    head[1] = length;
  } else if (length < 65_536) {
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    head.writeUInt32BE(length >>> 0, 6);
  }
  head.write(prefix, header);
  return head;
}

/**
 * The TCP socket under a `ws` WebSocket. Writing whole frames to it is safe next to ws's own
 * sends (pings, close, graphql-ws's other messages) because with per-message deflate off ws's
 * sender writes each frame synchronously, so frames never interleave.
 */
export function tcpSocketOf(socket: WebSocket): Socket | null {
  return (socket as unknown as { _socket: Socket | null })._socket ?? null;
}

type Writer = { write(chunk: Buffer): boolean };

/**
 * One whole frame, its head and its shared tail, onto the TCP socket in one writev: corked, so
 * the two buffers leave together (its typings predate Buffer's generic ArrayBuffer).
 */
export function writeFrame(tcp: Socket, head: Buffer, tail: Buffer): void {
  const corked = tcp.writableCorked > 0;
  if (!corked) tcp.cork();
  (tcp as Writer).write(head);
  (tcp as Writer).write(tail);
  if (!corked) tcp.uncork();
}

/**
 * The frames of one subscription held during a pass of its group (several events at once: the
 * loop is behind), written on `flush` as one buffer in one write. Corking the socket instead
 * costs two stream writes per frame and a writev of every piece: at 10,000 subscribers that
 * stream bookkeeping was about a tenth of the server's CPU. The pieces are the shared tails and
 * the subscriber's own heads, so nothing is copied until the flush, and what is held is at most
 * one pass (MAX_EVENTS_PER_PASS frames, counted against the socket's bound by its owner).
 */
export class HeldFrames {
  private readonly pieces: Buffer[] = [];
  /** Bytes held: what the socket's bound must count besides its own buffer. */
  bytes = 0;

  add(head: Buffer, tail: Buffer): void {
    this.pieces.push(head, tail);
    this.bytes += head.length + tail.length;
  }

  /**
   * Writes what is held, in order, as one piece (the only copy of a held frame's bytes: its own
   * allocation, not a slice of Buffer's shared pool, as it may wait in a slow socket's buffer).
   */
  flush(tcp: Socket): void {
    const { pieces } = this;
    if (pieces.length === 2) writeFrame(tcp, pieces[0]!, pieces[1]!);
    else if (pieces.length > 2) {
      const all = Buffer.allocUnsafeSlow(this.bytes);
      let at = 0;
      for (const piece of pieces) {
        all.set(piece, at);
        at += piece.length;
      }
      (tcp as Writer).write(all);
    }
    this.drop();
  }

  /** Forgets what is held (its socket closed: nothing more may follow a close frame). */
  drop(): void {
    this.pieces.length = 0;
    this.bytes = 0;
  }
}

const tails = new WeakMap<object, Buffer>();

/** `<result JSON>}` for a result shared by a group, encoded once; undefined for any other. */
export function payloadTail(result: object): Buffer | undefined {
  let tail = tails.get(result);
  if (tail) return tail;
  const json = serializedResult(result);
  if (json === undefined) return undefined;
  tail = Buffer.from(`${json}}`);
  tails.set(result, tail);
  return tail;
}
