import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  return systemAndUserSeconds(pid).reduce((sum, s) => sum + s, 0);
}

/** [user, system] CPU seconds: system is mostly the kernel's TCP work for the socket writes. */
export function systemAndUserSeconds(pid: number): [number, number] {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [Number(fields[11]) / 100, Number(fields[12]) / 100];
}

/** The whole machine's CPU time so far, [busy, all] in clock ticks (every process, every core). */
export function machineTicks(): [number, number] {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const all = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  // idle and iowait are the time no process wanted the core.
  return [all - fields[3]! - fields[4]!, all];
}

/** Resident memory of a process in MB; `VmHWM` is its peak. */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : Number.NaN;
}

/** A forked TypeScript child that answers requests over IPC: one reply per `{ type }` sent. */
export interface IpcChild {
  pid: number;
  request<R>(message: { type: string; [key: string]: unknown }): Promise<R>;
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `bundled`: run `script` as `npm start` runs the server, from scripts/run-cached.mjs's esbuild
 * bundle, not through tsx (whose keep-names transform gives every closure a name property, and
 * so a property dictionary: about 4 KB per fan-out subscriber that production does not hold).
 */
export function forkChild(
  script: string,
  options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; bundled?: boolean } = {},
): IpcChild {
  const runner = fileURLToPath(new URL('../../scripts/run-cached.mjs', import.meta.url));
  const [entry, args] = options.bundled ? [runner, [script]] : [script, []];
  const loader = options.bundled ? [] : ['--import', 'tsx'];
  const child: ChildProcess = fork(entry, args, {
    execArgv: [...loader, ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, (value: unknown) => void>();
  child.on('message', (message: { type: string }) => {
    const resolve = waiting.get(message.type);
    waiting.delete(message.type);
    resolve?.(message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    exited,
    request<R>(message: { type: string }) {
      return new Promise<R>((resolve, reject) => {
        waiting.set(message.type, resolve as (value: unknown) => void);
        child.send(message, (error) => error && reject(error));
        void exited.then(() => reject(new Error(`child ${child.pid} exited`)));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
