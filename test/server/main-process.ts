import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const runCached = fileURLToPath(new URL('../../scripts/run-cached.mjs', import.meta.url));

/** `npm start` in its own process and process group (as a terminal runs it), with `env` only. */
export function spawnMain(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [runCached, main], {
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line));
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    /** Resolves with the first log line that matches, or fails if the process exits first. */
    async line(matches: (line: Record<string, unknown>) => boolean) {
      for (;;) {
        const found = lines.find(matches);
        if (found) return found;
        const ended = await Promise.race([exited.then(() => true), tick()]);
        if (ended && !lines.some(matches)) throw new Error(`exited before the line: ${stderr}`);
      }
    },
    /** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
  };
}

const tick = () => new Promise<false>((resolve) => setTimeout(() => resolve(false), 20));
