import type { Command } from 'commander';
import { addConnectionOptions, type CliSettings, type ConnectionFlags } from '../settings.js';
import type { TailFlags } from './tail-follow.js';

// The follower (graphql-ws, ws, graphql) loads only when `quell tail` runs.
const follow = () => import('./tail-follow.js');

export function addTailCommand(
  program: Command,
  settings: (flags: ConnectionFlags) => CliSettings,
): void {
  addConnectionOptions(program.command('tail'))
    .description('follow actions entering PENDING_APPROVAL, one line per event')
    .option('--after <cursor>', 'first every event after this cursor, then live')
    .option('--json', 'one JSON object per line')
    .option('--count <n>', 'exit after n events')
    .option('--types <list>', 'comma-separated action types')
    .option('--device-group-ids <list>', 'comma-separated device group ids')
    .option('--incident-id <id>', 'one incident')
    .action(async (flags: TailFlags) => (await follow()).tail(flags, settings(flags)));
}
