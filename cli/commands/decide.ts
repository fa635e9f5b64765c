import type { Command } from 'commander';
import { addFilterOptions } from '../filter-options.js';
import { addConnectionOptions, type CliSettings, type ConnectionFlags } from '../settings.js';
import type { DecideFlags, Verb } from './decide-batches.js';

// The batches (the API client, graphql, the progress bar) load only when a decision runs.
const batches = () => import('./decide-batches.js');

const DESCRIPTIONS: Record<Verb, string> = {
  approve: 'approve the actions a filter selects (default: pending ones)',
  reject: 'reject the actions a filter selects (default: pending ones)',
  undo: 'undo the actions a filter selects (default: completed ones)',
};

export function addDecideCommands(
  program: Command,
  settings: (flags: ConnectionFlags) => CliSettings,
): void {
  for (const verb of ['approve', 'reject', 'undo'] as const) {
    const command = addFilterOptions(program.command(verb).description(DESCRIPTIONS[verb]))
      .option('--comment <text>', 'why (recorded with the decision)')
      .option('--dry-run', 'list what would be decided, change nothing')
      .option('--batch-size <n>', 'ids per request', '100')
      .option('--progress', 'show the progress bar even when stderr is not a terminal');
    if (verb === 'undo') {
      command.option('--all-instances', 'undo a file quarantine on every device you may act on');
    }
    addConnectionOptions(command).action(async (flags: DecideFlags) =>
      (await batches()).decideByFilter(verb, flags, settings(flags)),
    );
  }
}
