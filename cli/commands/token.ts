import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Command } from 'commander';

const TOKEN_SCRIPT = new URL('../../src/auth/print-token.ts', import.meta.url).pathname;
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');

/**
 * `quell token …` is `npm run token -- …`: the token command is the auth room's (its options,
 * validation and help); this forwards every argument and its exit code unchanged.
 */
function runTokenCommand(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, TOKEN_SCRIPT, ...args], {
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      process.exitCode = code ?? 1;
      resolve();
    });
  });
}

export function addTokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint a development token (options: quell token --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument('[options...]')
    .action((args: string[]) => runTokenCommand(args));
}
