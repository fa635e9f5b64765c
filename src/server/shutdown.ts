import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';

/** graphql-ws clients reconnect on 1012; a plain close (1000) or `complete` would end them for good. */
export const SERVICE_RESTART = 1012;

export interface Closable {
  httpServer: Server;
  ws: { wsServer: WebSocketServer; dispose(): Promise<void> | void };
  sseStreams: { endAll(): void };
  graceMs: number;
}

/**
 * Graceful shutdown: stop accepting, tell WebSocket clients to reconnect elsewhere (1012), end SSE
 * streams without `complete` (their clients retry), let in-flight requests finish within the grace
 * period, then cut whatever is left. Clients resume with their last cursor.
 */
export async function closeGracefully({ httpServer, ws, sseStreams, graceMs }: Closable) {
  const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  for (const socket of ws.wsServer.clients) socket.close(SERVICE_RESTART, 'Service restart');
  sseStreams.endAll();
  await ws.dispose();
  httpServer.closeIdleConnections();
  const grace = setTimeout(() => {
    httpServer.closeAllConnections();
    for (const socket of ws.wsServer.clients) socket.terminate();
  }, graceMs);
  await stopped;
  clearTimeout(grace);
}
