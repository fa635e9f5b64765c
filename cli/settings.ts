import type { Command } from 'commander';

/** Where the CLI finds the server and who it is: read once from flags and environment. */
export interface CliSettings {
  /** The server's base URL, without /graphql. */
  url: string;
  token: string | undefined;
}

export interface ConnectionFlags {
  url?: string;
  token?: string;
}

/** Every command that talks to the server takes --url and --token after its name too. */
export function addConnectionOptions<T extends Command>(command: T): T {
  command.option('--url <url>', `the server (default: QUELL_URL or ${DEFAULT_URL})`);
  command.option('--token <jwt>', 'bearer token (default: QUELL_TOKEN)');
  return command;
}

export const definedOnly = (flags: ConnectionFlags): ConnectionFlags =>
  Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));

export const DEFAULT_URL = 'http://127.0.0.1:4000';

export function settingsFrom(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): CliSettings {
  const url = (flags.url ?? env.QUELL_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  return { url, token: flags.token ?? env.QUELL_TOKEN };
}

/** An error the user can act on: one line on stderr and an exit code, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function requireToken(settings: CliSettings): string {
  if (!settings.token) {
    throw new CliError(
      'A token is needed: pass --token or set QUELL_TOKEN (see `quell token`).',
      2,
    );
  }
  return settings.token;
}
