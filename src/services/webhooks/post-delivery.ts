import http from 'node:http';
import https from 'node:https';
import {
  guardedLookup,
  hostOf,
  literalAddressRefusal,
  type WebhookNetworkPolicy,
} from './network-guard.js';

/** What one attempt came to: the receiver's status code, or why there is none. */
export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  network: WebhookNetworkPolicy;
  /** Aborted when the server stops: the attempt is abandoned, not recorded. */
  stop: AbortSignal;
}

/**
 * POSTs one delivery body. The timeout bounds the whole exchange (connect, send, the answer's
 * headers), so a receiver that accepts the connection and never answers costs one slot for
 * `timeoutMs` at most. The answer's body is read and discarded: only the status counts.
 */
export function postDelivery(url: URL, body: string, options: PostOptions): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refusal = literalAddressRefusal(hostOf(url), options.network);
  if (refusal)
    return Promise.resolve({ statusCode: null, error: `refused: ${refusal}`, durationMs: 0 });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([timeout, options.stop]);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(options.network),
      signal,
    });
    request.on('response', (response) => {
      response.resume();
      resolve({ statusCode: response.statusCode ?? null, error: null, durationMs: elapsed() });
    });
    request.on('error', (error) => {
      const message = timeout.aborted ? `timed out after ${options.timeoutMs} ms` : error.message;
      resolve({ statusCode: null, error: message.slice(0, 500), durationMs: elapsed() });
    });
    request.end(body);
  });
}
