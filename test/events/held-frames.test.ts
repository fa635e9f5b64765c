// The frames of a subscription held during a pass of its group (src/server/ws-frames.ts), as a
// WebSocket client receives them over a real TCP connection: whole text frames, in the order they
// were sent, with their own heads and the shared tails; nothing when its socket closed meanwhile.

import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { frameHead, HeldFrames } from '../../src/server/ws-frames.js';

/** The text frames in `bytes` (server frames: unmasked, FIN set). */
function textFrames(bytes: Buffer): string[] {
  const texts: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    expect(bytes[at]).toBe(0x81);
    let length = bytes[at + 1]!;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    }
    texts.push(bytes.toString('utf8', start, start + length));
    at = start + length;
  }
  return texts;
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A connected pair: the server's end to write to, and everything its peer reads until it ends. */
async function connection(): Promise<{ server: Socket; received: Promise<Buffer> }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as { port: number };
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  const [server] = await accepted;
  closers.push(() => {
    client.destroy();
    listener.close();
  });
  const chunks: Buffer[] = [];
  client.on('data', (chunk: Buffer) => chunks.push(chunk));
  const received = once(client, 'end').then(() => Buffer.concat(chunks as Uint8Array[]));
  return { server, received };
}

const tailOf = (text: string) => Buffer.from(`${text}}`);
const headFor = (id: string, tail: Buffer) =>
  frameHead(`{"id":"${id}","type":"next","payload":`, tail.length);
const next = (id: string, data: string) => `{"id":"${id}","type":"next","payload":${data}}`;

describe('the frames a pass holds for a subscription', () => {
  it('reach the client as whole frames in the order sent, a long one included', async () => {
    const { server, received } = await connection();
    const payloads = [
      '{"data":{"n":1}}',
      `{"data":{"n":"${'x'.repeat(300)}"}}`,
      '{"data":{"n":3}}',
    ];
    const held = new HeldFrames();
    for (const payload of payloads) {
      const tail = tailOf(payload);
      held.add(headFor('a', tail), tail);
    }
    held.flush(server);
    server.end();
    expect(textFrames(await received)).toEqual(payloads.map((p) => next('a', p)));
  });

  it('reach the client as one frame when the pass held one', async () => {
    const { server, received } = await connection();
    const held = new HeldFrames();
    const tail = tailOf('{"data":{"n":1}}');
    held.add(headFor('b', tail), tail);
    expect(held.bytes).toBe(headFor('b', tail).length + tail.length);
    held.flush(server);
    server.end();
    expect(textFrames(await received)).toEqual([next('b', '{"data":{"n":1}}')]);
  });

  it('are not sent once dropped, and what is held later is', async () => {
    const { server, received } = await connection();
    const held = new HeldFrames();
    const first = tailOf('{"data":{"n":1}}');
    held.add(headFor('c', first), first);
    held.drop();
    expect(held.bytes).toBe(0);
    const second = tailOf('{"data":{"n":2}}');
    held.add(headFor('c', second), second);
    held.flush(server);
    server.end();
    expect(textFrames(await received)).toEqual([next('c', '{"data":{"n":2}}')]);
  });
});
