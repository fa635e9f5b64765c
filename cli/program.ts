import { Command } from 'commander';
import { addDatabaseCommands } from './commands/database.js';
import { addDecideCommands } from './commands/decide.js';
import { addExportCommand } from './commands/export.js';
import { addTailCommand } from './commands/tail.js';
import { addTokenCommand } from './commands/token.js';
import {
  type CliSettings,
  type ConnectionFlags,
  DEFAULT_URL,
  definedOnly,
  settingsFrom,
} from './settings.js';

/** Every command and option of `quell` (main.ts runs it; the README's CLI table is read from it). */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  const program = new Command('quell')
    .description('Quell from the command line')
    .option('--url <url>', `the server (default: QUELL_URL or ${DEFAULT_URL})`)
    .option('--token <jwt>', 'bearer token (default: QUELL_TOKEN)')
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError();
  // Flags (before or after the command's name) and environment, read once when a command runs.
  const currentSettings = (flags: ConnectionFlags): CliSettings =>
    settingsFrom({ ...program.opts(), ...definedOnly(flags) }, env);
  addTokenCommand(program, env);
  addDatabaseCommands(program);
  addExportCommand(program, currentSettings);
  addDecideCommands(program, currentSettings);
  addTailCommand(program, currentSettings);
  return program;
}
