// The fan-out bench's load generator over graphql-ws, made cheap: the clients share the machine's
// two cores with the server, so what they spend per message is taken from the server's figures.
// graphql-ws's client validates UTF-8, decodes every frame to a string and JSON.parses the whole
// payload; a dashboard's latency needs only the event's cursor and its action's id. This speaks
// the graphql-transport-ws protocol itself (connection_init, subscribe, pong) on `ws` and reads
// those two fields out of each `next` frame's bytes. Anything else (an `error`, a `next` with
// errors, a close) is parsed in full and reported as a failure, so a broken stream still shows.
import WebSocket from 'ws';

export interface LeanNext {
  cursor: string;
  actionId: string;
}

export interface LeanHandlers {
  onNext: (next: LeanNext) => void;
  onError: (error: unknown) => void;
}

const NEXT = '"type":"next"';
const CURSOR = '"cursor":"';
const ACTION_ID = '"action":{"id":"';
const ERRORS = '"errors":';
const QUOTE = 0x22;

/** The string value that starts right after `key` in `frame` (no escapes: cursors and ids are base64). */
function valueAfter(frame: Buffer, key: string): string | null {
  const at = frame.indexOf(key);
  if (at < 0) return null;
  const start = at + key.length;
  const end = frame.indexOf(QUOTE, start);
  return end < 0 ? null : frame.toString('latin1', start, end);
}

function onFrame(socket: WebSocket, frame: Buffer, handlers: LeanHandlers, subscribe: () => void) {
  // `next` frames of the bench's query carry no `errors` unless something failed.
  if (frame.indexOf(NEXT) >= 0 && frame.indexOf(ERRORS) < 0) {
    const cursor = valueAfter(frame, CURSOR);
    const actionId = valueAfter(frame, ACTION_ID);
    if (cursor && actionId) return handlers.onNext({ cursor, actionId });
  }
  const message = JSON.parse(frame.toString('utf8')) as { type: string; payload?: unknown };
  if (message.type === 'connection_ack') return subscribe();
  if (message.type === 'ping') return socket.send('{"type":"pong"}');
  if (message.type === 'pong' || message.type === 'complete') return;
  handlers.onError(message.payload ?? message);
}

/** One socket, one subscription; resolves once the server acknowledged the connection. */
export function openLeanWs(
  plan: { url: string; token: string; after: string },
  query: string,
  handlers: LeanHandlers,
  closers: (() => void)[],
): Promise<void> {
  const socket = new WebSocket(plan.url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
    skipUTF8Validation: true,
    perMessageDeflate: false,
  });
  closers.push(() => socket.terminate());
  return new Promise<void>((resolve, reject) => {
    const subscribe = () => {
      const payload = { query, variables: { after: plan.after } };
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
      resolve();
    };
    socket.once('open', () =>
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { authorization: `Bearer ${plan.token}` },
        }),
      ),
    );
    socket.on('message', (data: Buffer) => onFrame(socket, data, handlers, subscribe));
    socket.once('error', reject);
    socket.once('close', (code, reason) => {
      if (code !== 1000 && code !== 1005) handlers.onError({ code, reason: String(reason) });
    });
  });
}
