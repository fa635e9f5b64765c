import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { stringify } from 'csv-stringify';
import type { TokenSettings } from '../auth/tokens.js';
import type { PrismaClient } from '../db/client.js';
import { scopedClient, tenantScope } from '../db/tenant-scope.js';
import {
  exportRemediationActions,
  type ListedRemediationAction,
} from '../services/export-remediation-actions.js';
import { DomainError } from '../services/kernel/errors.js';
import { authenticate } from './authenticate.js';
import { exportFilterOf } from './export-csv-params.js';

export const EXPORT_PATH = '/export/remediation-actions.csv';

const globalId = (typename: string, id: string | null) =>
  id === null ? null : encodeGlobalID(typename, id);

/** One CSV row per action; ids are the API's global ids, so a row can be looked up with `node`. */
function csvRecord(action: ListedRemediationAction) {
  return {
    id: globalId('RemediationAction', action.id),
    createdAt: action.createdAt,
    type: action.type,
    source: action.source,
    status: action.status,
    decision: action.decision,
    deviceId: globalId('Device', action.deviceId),
    device: action.device.hostname,
    deviceGroupId: globalId('DeviceGroup', action.deviceGroupId),
    deviceGroup: action.deviceGroup.name,
    incidentId: globalId('Incident', action.incidentId),
    incident: action.incident?.title ?? null,
    evidenceId: globalId('Evidence', action.evidenceId),
    evidenceKind: action.evidence?.kind ?? null,
    evidencePath: action.evidence?.path ?? null,
    sha256: action.sha256,
    explanation: action.explanation,
    requestedBy: action.requestedBy,
    comment: action.comment,
    expiresAt: action.expiresAt,
    decidedBy: action.decidedBy,
    decidedAt: action.decidedAt,
    decisionComment: action.decisionComment,
    completedAt: action.completedAt,
    failureReason: action.failureReason,
    undoable: action.undoable,
    undoneBy: action.undoneBy,
    undoneAt: action.undoneAt,
    undoFailure: action.undoFailure,
  };
}

const COLUMNS = Object.keys(csvRecord({ device: {}, deviceGroup: {} } as ListedRemediationAction));

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab / CR, which some strip first) as a
 * formula; a leading apostrophe makes it text again (OWASP's advice for CSV injection).
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 quoting is csv-stringify's; we only say how values become text. */
function csvStream() {
  return stringify({
    header: true,
    columns: COLUMNS,
    record_delimiter: '\r\n',
    cast: {
      string: neutraliseFormula,
      date: (value) => value.toISOString(),
      boolean: (value) => (value ? 'true' : 'false'),
    },
  });
}

function sendError(response: ServerResponse, status: number, error: DomainError): void {
  const body = { error: { code: error.code, message: error.message, parameter: error.field } };
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

const STATUS_OF_CODE: Record<string, number> = { BAD_USER_INPUT: 400, FORBIDDEN: 403 };

/** `GET /export/remediation-actions.csv` (SPEC §8): the History tab's rows as a CSV download. */
export function createCsvExport(options: { prisma: PrismaClient; tokens: TokenSettings }) {
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' });
      return void response.end();
    }
    const auth = await authenticate(request.headers.authorization, options.tokens);
    if ('error' in auth) {
      response.setHeader('www-authenticate', 'Bearer');
      return sendError(response, 401, new DomainError('UNAUTHENTICATED', auth.message));
    }
    const url = new URL(request.url ?? '/', 'http://export');
    const rows = exportRemediationActions(
      // Read in the caller's tenant scope (the database's row-level security).
      scopedClient(options.prisma, tenantScope(auth.identity.tenantId)),
      auth.identity,
      exportFilterOf(url.searchParams),
    );
    response.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="remediation-actions.csv"',
    });
    // Backpressure end to end: the next batch is read only when the client has taken the last.
    await pipeline(Readable.from(rows), csvRecordStream(), csvStream(), response);
  }

  function csvRecordStream() {
    return async function* (source: AsyncIterable<ListedRemediationAction>) {
      for await (const action of source) yield csvRecord(action);
    };
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    answer(request, response).catch((error: unknown) => {
      if (error instanceof DomainError && !response.headersSent) {
        return sendError(response, STATUS_OF_CODE[error.code] ?? 400, error);
      }
      // Mid-stream failure (or the client left): cut the download so it cannot pass as whole.
      if (response.headersSent) return void response.destroy();
      sendError(response, 500, new DomainError('INTERNAL_SERVER_ERROR', 'Export failed.'));
    });
  }

  const handles = (request: IncomingMessage) => (request.url ?? '').split('?')[0] === EXPORT_PATH;

  return { handles, handle };
}
