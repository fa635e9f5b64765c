import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A bench's graphql-ws client: no retries (a drop must show), disposed by the caller's closers. */
export function benchWsClient(httpUrl: string, token: string, closers: (() => void)[]): Client {
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  closers.push(() => void client.dispose());
  return client;
}
