/**
 * Shares identical reads that are in flight at the same moment. When one event reaches 1,000
 * subscribers of the same scope and selection, they all ask for the same row in the same tick;
 * this turns that into one query. Nothing is cached once the read settles, so a later request
 * always sees the database as it is then.
 */
export function createCoalescer() {
  const inFlight = new Map<string, Promise<unknown>>();
  return function share<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = load().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}

export type Coalescer = ReturnType<typeof createCoalescer>;
