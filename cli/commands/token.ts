import type { Command } from 'commander';

/**
 * `quell token …` is `npm run token -- …` (src/auth/print-token.ts), run in this process: the
 * token command is the auth room's (its options, validation and help); every argument goes to
 * it unchanged, and its output and exit code come back unchanged.
 */
async function runTokenCommand(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  // The configuration (zod and its schemas) loads here, not at start-up: the API commands and
  // --help never read it, and it was a fifth of their start-up CPU.
  const { ConfigError, loadConfig } = await import('../../src/config.js');
  let tokens: ReturnType<typeof loadConfig>['tokens'];
  try {
    tokens = loadConfig(env).tokens;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`token: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { runTokenCommand: run } = await import('../../src/auth/token-command.js');
  const result = await run(args, tokens.secret, tokens.lifetime);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

export function addTokenCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('token')
    .description('mint a development token (options: quell token --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument('[options...]')
    .action((args: string[]) => runTokenCommand(args, env));
}
