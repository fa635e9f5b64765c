import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { serializedResult } from './shared-execution.js';

/**
 * A server-to-client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked) holding
 * `prefix` then `tail`, in one buffer: one write, one syscall, where ws's sender writes a header
 * and the payload as two buffers (writev) and allocates the header on its own.
 */
export function textFrame(prefix: Buffer, tail: Buffer): Buffer {
  const length = prefix.length + tail.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(prefix, header);
  frame.set(tail, header + prefix.length);
  return frame;
}

/**
 * The TCP socket under a `ws` WebSocket. Writing whole frames to it is safe next to ws's own
 * sends (pings, close, graphql-ws's other messages) because with per-message deflate off ws's
 * sender writes each frame synchronously, so frames never interleave.
 */
export function tcpSocketOf(socket: WebSocket): Socket | null {
  return (socket as unknown as { _socket: Socket | null })._socket ?? null;
}

/** One whole frame onto the TCP socket (its typings predate Buffer's generic ArrayBuffer). */
export function writeFrame(tcp: Socket, frame: Buffer): void {
  (tcp as { write(chunk: Buffer): boolean }).write(frame);
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
