import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { addFilterOptions, exportParams, type FilterFlags } from '../filter-options.js';
import {
  addConnectionOptions,
  CliError,
  type CliSettings,
  type ConnectionFlags,
  requireToken,
} from '../settings.js';

interface ExportFlags extends FilterFlags, ConnectionFlags {
  output?: string;
}

/** The server's JSON error of a refused export, as one line. */
async function refusal(response: Response): Promise<CliError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
  } | null;
  const message = body?.error
    ? `${body.error.code}: ${body.error.message}`
    : `the export answered ${response.status}`;
  return new CliError(message, response.status === 400 ? 2 : 1);
}

/** Streams GET /export/remediation-actions.csv to a file or stdout, never holding it whole. */
async function exportCsv(flags: ExportFlags, settings: CliSettings) {
  const token = requireToken(settings);
  const url = `${settings.url}/export/remediation-actions.csv?${exportParams(flags)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(
    (error: Error) => {
      throw new CliError(`${settings.url} did not answer: ${error.message}`);
    },
  );
  if (!response.ok || !response.body) throw await refusal(response);
  const body = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
  if (flags.output) await pipeline(body, createWriteStream(flags.output));
  else await pipeline(body, process.stdout, { end: false });
}

export function addExportCommand(
  program: Command,
  settings: (flags: ConnectionFlags) => CliSettings,
): void {
  addConnectionOptions(
    addFilterOptions(
      program
        .command('export')
        .description('export the actions a filter selects as CSV (the History tab, every row)'),
    ),
  )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((flags: ExportFlags) => exportCsv(flags, settings(flags)));
}
