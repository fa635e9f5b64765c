import type { Command } from 'commander';
import { CliError } from '../settings.js';
import type { SeedFlags } from './database-actions.js';

/** A whole number of at least `least`, or the option named in a usage error (exit 2). */
function wholeNumber(option: string, least: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < least) {
      throw new CliError(`${option}: a whole number of at least ${least} (got "${value}").`, 2);
    }
    return parsed;
  };
}

// The database code (Prisma, the services, the seed) loads only when one of these runs, so the
// other commands and `--help` start without it.
const actions = () => import('./database-actions.js');

export function addDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply the migrations to the database (DATABASE_URL, else the embedded one)')
    .action(async () => (await actions()).migrate());
  program
    .command('seed')
    .description('fill a tenant with demo data (nothing when it already has incidents)')
    .option('--tenant <id>', 'tenant id', 'demo')
    .option('--devices <n>', 'number of devices', wholeNumber('--devices', 1), 300)
    .option(
      '--incidents <n>',
      'number of incidents, one per device (default: a third of the devices)',
      wholeNumber('--incidents', 0),
    )
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .action(async (flags: SeedFlags) => {
      // Checked before the database code loads (a second of CPU): a usage error answers at once.
      if (flags.incidents !== undefined && flags.incidents > flags.devices) {
        throw new CliError(
          `--incidents: at most --devices (${flags.devices}): a device has one open incident.`,
          2,
        );
      }
      await (await actions()).seed(flags);
    });
}
