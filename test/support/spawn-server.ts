import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./child-server.ts', import.meta.url));
// The bundle `npm start` runs from (half tsx's start-up CPU; rebuilt when a source file changes).
const runCached = fileURLToPath(new URL('../../scripts/run-cached.mjs', import.meta.url));

/** Starts child-server.ts in another Node process on `databaseUrl`: it shares only PostgreSQL with the test. */
export async function spawnServer(databaseUrl: string) {
  const child = spawn(process.execPath, [runCached, script], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const ready = new Promise<{ url: string; graphqlUrl: string; pid: number }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { url: string; graphqlUrl: string; pid: number });
    });
    child.once('exit', (code) =>
      reject(new Error(`child server exited (${code}) before listening: ${output}`)),
    );
  });
  const info = await ready;
  return {
    ...info,
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
