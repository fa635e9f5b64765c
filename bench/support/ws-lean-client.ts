// The fan-out bench's load generator over graphql-ws, made cheap: the clients share the machine's
// two cores with the server, so what they spend per message is taken from the server's figures.
// graphql-ws's client (on `ws`) runs every read through a Readable and ws's Writable receiver,
// decodes every frame to a string and JSON.parses the whole payload; a dashboard's latency needs
// only the event's id and its action's id. This speaks RFC 6455 and graphql-transport-ws itself on
// a bare TCP socket: the upgrade request, masked client frames (connection_init, subscribe, pongs),
// and the server's frames parsed in place from a read buffer shared by every socket of the process
// (net's `onread`: no stream, no chunk allocation per read). A `next` frame of the bench's query is
// recognised by its exact start (`{"id":<own id>,"type":"next","payload":{"data":{…"cursor":"`;
// graphql-js puts `errors` before `data`, so a payload that starts with `data` carries none), and
// only the cursor's id and the action id are read from its bytes. Any other frame (an `error`, a
// `next` with errors, a close other than 1000, a fragmented or masked frame) is reported as a
// failure, so a broken stream still shows. Subscription ids are UUIDs, as graphql-ws's client
// makes them, so the server's per-subscriber frame prefixes are as long and as distinct as in use.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface LeanHandlers {
  /** A `next` of the bench's query: its event id (the cursor's), its action id, when it arrived. */
  onNext: (eventId: number, actionId: string, at: number) => void;
  onError: (error: unknown) => void;
}

/** Every socket of the process reads into this: `onread` callbacks run one at a time, and a
 * frame left incomplete at the end of a read is copied out before the next one. */
const readMemory = new Uint8Array(1 << 18);
const readBuffer = Buffer.from(readMemory.buffer);
const ACTION_ID = '"action":{"id":"';
const QUOTE = 0x22;
/** net's typings predate Buffer's generic ArrayBuffer. */
type Writer = { write(chunk: Buffer): boolean };
const now = () => performance.timeOrigin + performance.now();

/** A client frame (RFC 6455 §5.3: masked), text unless `opcode` says otherwise. */
function clientFrame(payload: Buffer, opcode = 0x1): Buffer {
  const extended = payload.length < 126 ? 0 : 2;
  if (payload.length >= 65_536) throw new Error('the bench sends no message this large');
  const frame = Buffer.allocUnsafe(2 + extended + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | (extended ? 126 : payload.length);
  if (extended) frame.writeUInt16BE(payload.length, 2);
  const maskAt = 2 + extended;
  for (let i = 0; i < 4; i++) frame[maskAt + i] = (Math.random() * 256) | 0;
  for (let i = 0; i < payload.length; i++)
    frame[maskAt + 4 + i] = payload[i]! ^ frame[maskAt + (i & 3)]!;
  return frame;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Int8Array(256).fill(-1);
for (let i = 0; i < BASE64URL.length; i++) SEXTET[BASE64URL.charCodeAt(i)] = i;
/** `ae1:` decoded, the start of every cursor (src/events/cursor.ts). */
const CURSOR_PREFIX = [0x61, 0x65, 0x31, 0x3a];

/**
 * The id of the cursor in bytes [start, end): base64url of `ae1:<decimal id>`, decoded in place
 * (no string, no BigInt); -1 when it is not such a cursor. Ids of the bench fit a double.
 */
export function cursorId(bytes: Buffer, start: number, end: number): number {
  let id = 0;
  let digits = 0;
  let decoded = 0;
  let bits = 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    const sextet = SEXTET[bytes[i]!]!;
    if (sextet < 0) return -1;
    value = (value << 6) | sextet;
    bits += 6;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (value >> bits) & 0xff;
    value &= (1 << bits) - 1;
    if (decoded < 4) {
      if (byte !== CURSOR_PREFIX[decoded++]) return -1;
    } else if (byte >= 0x30 && byte <= 0x39) {
      id = id * 10 + (byte - 0x30);
      digits++;
    } else return -1;
  }
  return digits > 0 ? id : -1;
}

/** The event id and action id of a `next` frame whose cursor starts at `cursorAt`; null if not one. */
function nextFields(data: Buffer, cursorAt: number, end: number) {
  const cursorEnd = data.indexOf(QUOTE, cursorAt);
  if (cursorEnd < 0 || cursorEnd >= end) return null;
  const eventId = cursorId(data, cursorAt, cursorEnd);
  const key = data.indexOf(ACTION_ID, cursorEnd);
  if (eventId < 0 || key < 0) return null;
  const actionAt = key + ACTION_ID.length;
  const actionEnd = data.indexOf(QUOTE, actionAt);
  if (actionEnd < 0 || actionEnd >= end) return null;
  return { eventId, actionId: data.toString('latin1', actionAt, actionEnd) };
}

/** One socket, one subscription; resolves once the server acknowledged the connection. */
export function openLeanWs(
  plan: { url: string; token: string; after: string },
  query: string,
  handlers: LeanHandlers,
  closers: (() => void)[],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const client = new LeanSocket(plan, query, handlers, resolve, reject);
    closers.push(() => client.socket.destroy());
  });
}

class LeanSocket {
  readonly socket: Socket;
  private readonly id = randomUUID();
  /** The exact start of this subscription's `next` frames of the bench's query. */
  private readonly nextStart: Buffer;
  private upgraded = false;
  /** The bytes of an incomplete frame (or response head) left by the previous read. */
  private pending: Buffer | null = null;
  private closedCleanly = false;

  constructor(
    private readonly plan: { url: string; token: string; after: string },
    private readonly query: string,
    private readonly handlers: LeanHandlers,
    private readonly acknowledged: () => void,
    failed: (error: unknown) => void,
  ) {
    this.nextStart = Buffer.from(
      `{"id":"${this.id}","type":"next","payload":{"data":{"pendingActionAdded":{"cursor":"`,
    );
    const url = new URL(plan.url);
    this.socket = connect({
      host: url.hostname,
      port: Number(url.port),
      onread: { buffer: readMemory, callback: (size: number) => this.onRead(readBuffer, size) },
    });
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => this.socket.write(upgradeRequest(url)));
    this.socket.once('error', (error) => {
      failed(error);
      handlers.onError(error);
    });
    this.socket.once('close', () => {
      if (!this.closedCleanly) handlers.onError({ code: 1006, reason: 'socket closed' });
    });
  }

  private send(message: object): void {
    (this.socket as Writer).write(clientFrame(Buffer.from(JSON.stringify(message))));
  }

  /** Always true: go on reading (the bench's clients never push back). */
  private onRead(buffer: Buffer, size: number): boolean {
    let data = buffer.subarray(0, size);
    if (this.pending) {
      const joined = Buffer.allocUnsafe(this.pending.length + size);
      this.pending.copy(joined as Uint8Array);
      data.copy(joined as Uint8Array, this.pending.length);
      data = joined;
      this.pending = null;
    }
    let at = 0;
    if (!this.upgraded) {
      at = this.upgrade(data);
      if (at < 0) return true;
    }
    const end = this.frames(data, at, now());
    // The read buffer is overwritten by the next read: keep a copy of what is left.
    if (end < data.length) this.pending = copyOf(data, end);
    return true;
  }

  /** Where the frames start after the 101 response; -1 while it is incomplete. */
  private upgrade(data: Buffer): number {
    const headEnd = data.indexOf('\r\n\r\n');
    if (headEnd < 0) {
      this.pending = copyOf(data, 0);
      return -1;
    }
    const status = data.toString('latin1', 0, data.indexOf('\r\n'));
    if (!status.startsWith('HTTP/1.1 101')) {
      this.handlers.onError(new Error(`upgrade refused: ${status}`));
      this.socket.destroy();
      return -1;
    }
    this.upgraded = true;
    this.send({ type: 'connection_init', payload: { authorization: `Bearer ${this.plan.token}` } });
    return headEnd + 4;
  }

  /** Handles the whole frames from `at`; returns where the first incomplete one starts. */
  private frames(data: Buffer, at: number, arrived: number): number {
    while (data.length - at >= 2) {
      const first = data[at]!;
      let length = data[at + 1]!;
      let start = at + 2;
      if (length & 0x80) return this.fail(new Error('masked server frame'), data.length);
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        start = at + 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = data.readUInt32BE(at + 2) * 2 ** 32 + data.readUInt32BE(at + 6);
        start = at + 10;
      }
      const end = start + length;
      if (end > data.length) break;
      this.frame(first, data, start, end, arrived);
      at = end;
    }
    return at;
  }

  private frame(first: number, data: Buffer, start: number, end: number, arrived: number): void {
    const opcode = first & 0x0f;
    if ((first & 0x80) === 0) this.fail(new Error('fragmented server frame'), 0);
    else if (opcode === 0x1) this.text(data, start, end, arrived);
    else if (opcode === 0x9)
      (this.socket as Writer).write(clientFrame(data.subarray(start, end), 0xa));
    else if (opcode === 0x8) this.closeFrame(data, start, end);
    else if (opcode !== 0xa) this.fail(new Error(`unexpected opcode ${opcode}`), 0);
  }

  private text(data: Buffer, start: number, end: number, arrived: number): void {
    const cursorAt = start + this.nextStart.length;
    if (
      end > cursorAt &&
      data.compare(this.nextStart as Uint8Array, 0, this.nextStart.length, start, cursorAt) === 0
    ) {
      const next = nextFields(data, cursorAt, end);
      if (next) {
        this.handlers.onNext(next.eventId, next.actionId, arrived);
        return;
      }
    }
    this.message(
      JSON.parse(data.toString('utf8', start, end)) as { type: string; payload?: unknown },
    );
  }

  private message(message: { type: string; payload?: unknown }): void {
    if (message.type === 'connection_ack') {
      const payload = { query: this.query, variables: { after: this.plan.after } };
      this.send({ id: this.id, type: 'subscribe', payload });
      this.acknowledged();
    } else if (message.type === 'ping') this.send({ type: 'pong' });
    else if (message.type !== 'pong' && message.type !== 'complete')
      this.handlers.onError(message.payload ?? message);
  }

  private closeFrame(data: Buffer, start: number, end: number): void {
    const code = end - start >= 2 ? data.readUInt16BE(start) : 1005;
    if (code === 1000 || code === 1005) this.closedCleanly = true;
    else this.handlers.onError({ code, reason: data.toString('utf8', start + 2, end) });
    this.socket.destroy();
  }

  private fail(error: Error, resumeAt: number): number {
    this.handlers.onError(error);
    this.socket.destroy();
    return resumeAt;
  }
}

/** Bytes from `from` on, in memory of their own (the read buffer is reused). */
function copyOf(data: Buffer, from: number): Buffer {
  const copy = Buffer.allocUnsafe(data.length - from);
  data.copy(copy as Uint8Array, 0, from);
  return copy;
}

function upgradeRequest(url: URL): string {
  return [
    `GET ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Protocol: graphql-transport-ws',
    '',
    '',
  ].join('\r\n');
}
