// Runs at `npm install` / `npm ci`: generates Prisma's client and builds the Action Center page.
// The two are independent, so they run side by side (each is a few CPU seconds; together they
// were the longest part of a fresh install after the download).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs one step with its output shown; resolves with its exit code. */
function step(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`${command} ${args.join(' ')}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const codes = await Promise.all([
  step(process.execPath, ['scripts/prisma-generate.mjs']),
  step('npx', ['tsx', 'web/build.ts']),
]);
process.exit(codes.find((code) => code !== 0) ?? 0);
