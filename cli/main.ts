// `quell` (`npx quell …`): the operator's and scripting SOC engineer's command line (SPEC §8).
// It talks to a running server over the API (the typed client of client/generated); `seed`,
// `migrate` and `token` work on the database and secret directly, like their npm scripts.
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { CliError } from './settings.js';

const program = buildProgram(process.env);

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
