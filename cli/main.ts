// `quell` (`npx quell …`): the operator's and scripting SOC engineer's command line (SPEC §8).
// It talks to a running server over the API (the typed client of client/generated); `seed`,
// `migrate` and `token` work on the database and secret directly, like their npm scripts.
import { Command, CommanderError } from 'commander';
import { addDatabaseCommands } from './commands/database.js';
import { addDecideCommands } from './commands/decide.js';
import { addExportCommand } from './commands/export.js';
import { addTailCommand } from './commands/tail.js';
import { addTokenCommand } from './commands/token.js';
import {
  CliError,
  type CliSettings,
  type ConnectionFlags,
  DEFAULT_URL,
  definedOnly,
  settingsFrom,
} from './settings.js';

const program = new Command('quell')
  .description('Quell from the command line')
  .option('--url <url>', `the server (default: QUELL_URL or ${DEFAULT_URL})`)
  .option('--token <jwt>', 'bearer token (default: QUELL_TOKEN)')
  .enablePositionalOptions()
  .exitOverride()
  .showHelpAfterError();

// Flags (before or after the command's name) and environment, read once when a command runs.
const currentSettings = (flags: ConnectionFlags): CliSettings =>
  settingsFrom({ ...program.opts(), ...definedOnly(flags) }, process.env);

addTokenCommand(program);
addDatabaseCommands(program);
addExportCommand(program, currentSettings);
addDecideCommands(program, currentSettings);
addTailCommand(program, currentSettings);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the usage problem (or the help / version asked for).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof CliError) {
    console.error(`quell: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(`quell: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
