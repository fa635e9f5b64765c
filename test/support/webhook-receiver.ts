import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/services/webhooks/signature.js';

/** One request the receiver got, as it arrived. */
export interface ReceivedRequest {
  deliveryId: string;
  signature: string;
  timestamp: string;
  body: string;
  json: Record<string, any>;
  /** What the receiver answered (null: it held the request open). */
  answered: number | null;
  /** Set when the connection closed before an answer (Quell cut it). */
  cutByClient: boolean;
  /** The signature checks with the receiver's secret. */
  signatureValid: boolean;
}

/** Per request: answer with this status, or `hang` (never answer). */
export type Behaviour = (
  request: ReceivedRequest,
  earlierOfSameDelivery: number,
) => number | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that verifies each delivery's signature with its secret and
 * answers as `behaviour` says. Tests wait for arrivals with `until` (event-driven, no sleeps).
 */
export async function startWebhookReceiver(secret: string, behaviour: Behaviour) {
  const received: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    req.setEncoding('utf8');
    let body = '';
    for await (const chunk of req) body += chunk;
    const signature = String(req.headers['x-quell-signature'] ?? '');
    const request: ReceivedRequest = {
      deliveryId: String(req.headers['x-quell-delivery'] ?? ''),
      signature,
      timestamp: String(req.headers['x-quell-timestamp'] ?? ''),
      body,
      json: JSON.parse(body),
      answered: null,
      cutByClient: false,
      signatureValid: verifyWebhookSignature(secret, body, signature),
    };
    const earlier = received.filter((r) => r.deliveryId === request.deliveryId).length;
    received.push(request);
    const answer = behaviour(request, earlier);
    if (answer === 'hang') {
      hanging.add(res);
      res.on('close', () => {
        hanging.delete(res);
        request.cutByClient = true;
        notify();
      });
    } else {
      request.answered = answer;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    }
    notify();
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  /** Resolves once `check` holds over what was received (re-checked at every arrival or cut). */
  function until(check: (all: ReceivedRequest[]) => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`receiver: condition not reached; got ${received.length} requests`));
      }, timeoutMs);
      const look = () => {
        if (!check(received)) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve();
      };
      waiters.add(look);
      look();
    });
  }

  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    until,
    /** Requests still held open by a `hang` answer. */
    openCount: () => hanging.size,
    accepted: () => received.filter((r) => r.answered !== null && r.answered < 300),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
