import type { WebSocket } from 'ws';

/** The sockets are pinged in this many slices, one slice per tick, so no tick pings them all. */
const SLICES = 10;

export interface KeepAlive {
  /** Pings `socket` once per interval from now on; returns what stops it (on close). */
  watch(socket: WebSocket): () => void;
  stop(): void;
}

/**
 * One timer for every socket instead of one each: every `intervalMs`, each socket is pinged, and
 * one that has not answered the previous ping is terminated (a peer that reads nothing at all).
 */
export function createKeepAlive(intervalMs: number): KeepAlive {
  if (!(intervalMs > 0 && Number.isFinite(intervalMs)))
    return { watch: () => () => undefined, stop: () => undefined };
  const slices = Array.from({ length: SLICES }, () => new Set<WebSocket>());
  const unanswered = new WeakSet<WebSocket>();
  let joined = 0;
  let turn = 0;
  const timer = setInterval(
    () => {
      const slice = slices[turn]!;
      turn = (turn + 1) % SLICES;
      for (const socket of slice) {
        if (socket.readyState !== socket.OPEN) continue;
        if (unanswered.has(socket)) socket.terminate();
        else {
          unanswered.add(socket);
          socket.ping();
        }
      }
    },
    Math.max(1, intervalMs / SLICES),
  );
  timer.unref();
  // One listener function for all sockets: ws calls it with the socket as `this`.
  function answered(this: WebSocket): void {
    unanswered.delete(this);
  }
  return {
    watch(socket) {
      const slice = slices[joined++ % SLICES]!;
      slice.add(socket);
      socket.on('pong', answered);
      return () => slice.delete(socket);
    },
    stop: () => clearInterval(timer),
  };
}
