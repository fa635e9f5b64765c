import { mkdirSync, writeFileSync } from 'node:fs';
import { type Profiler, Session } from 'node:inspector';
import { dirname } from 'node:path';

/** One inspector command, as a promise (the callback API: @types/node 20.9 has no promises one). */
function post<T = void>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) =>
      error ? reject(error) : resolve(result as T),
    ),
  );
}

/**
 * Records a V8 CPU profile of `body` only (not the seed, not the other sides), written to `file`
 * (open it in Chrome DevTools or speedscope): where one side's CPU per operation goes.
 */
export async function withCpuProfile<T>(file: string, body: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile written to ${file}`);
  }
}

/**
 * The same as a start and a stop on either side of a window another process chooses (the fan-out
 * bench's servers: their profile covers the measurement only, not the connections and warm-up).
 */
export async function startCpuProfile(): Promise<(file: string) => Promise<string>> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
  return async (file) => {
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
    // bench/profiles is ignored by git, so a fresh checkout has no such folder.
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    return file;
  };
}
