import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from './logger.js';

/** What the one log line of a request says; GraphQL fills in the operation and the caller. */
export interface RequestRecord {
  requestId: string;
  operationName?: string;
  subject?: string;
  tenant?: string;
  /** `extensions.code` of each error in the response, in order. */
  errorCodes: string[];
}

/** The fields of a request's log line (README: generated table), besides pino's own. */
export const REQUEST_LOG_FIELDS = {
  requestId:
    "the client's `X-Request-Id` when sane (≤ 128 safe characters), else a new UUID; echoed",
  method: 'HTTP method',
  path: 'URL path, without the query string',
  status: 'HTTP status answered',
  operationName: 'GraphQL operation name (also of documents that failed to parse or validate)',
  subject: "the token's `sub`",
  tenant: "the token's `tid`",
  durationMs: 'from the first byte of the request to the end of the response',
  outcome: '`ok`, `error` (any GraphQL error or status ≥ 400) or `aborted` (the client left)',
  errorCodes: '`extensions.code` of each error returned, in order (absent when none)',
} as const;

type RequestLogLine = { [field in keyof typeof REQUEST_LOG_FIELDS]: unknown };

const records = new WeakMap<IncomingMessage, RequestRecord>();

/** The record of an HTTP request (undefined for a WebSocket upgrade, which has its own). */
export function recordOf(request: IncomingMessage | undefined): RequestRecord | undefined {
  return request ? records.get(request) : undefined;
}

/** Printable ASCII without spaces or quotes, at most 128 characters: safe in logs and headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The client's `X-Request-Id` when it is sane, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Starts the record of an HTTP request, echoes its id in `X-Request-Id`, and writes one line
 * when the response is done: info for answered requests (a client's own errors included),
 * error for server faults (a 5xx or INTERNAL_SERVER_ERROR).
 */
export function beginRequest(logger: Logger, request: IncomingMessage, response: ServerResponse) {
  const started = process.hrtime.bigint();
  const record: RequestRecord = {
    requestId: requestIdFrom(request.headers['x-request-id']),
    errorCodes: [],
  };
  records.set(request, record);
  response.setHeader('x-request-id', record.requestId);
  response.once('close', () => {
    const status = response.statusCode;
    const fault = status >= 500 || record.errorCodes.includes('INTERNAL_SERVER_ERROR');
    const outcome = !response.writableFinished
      ? 'aborted'
      : fault || record.errorCodes.length > 0 || status >= 400
        ? 'error'
        : 'ok';
    const line: RequestLogLine = {
      requestId: record.requestId,
      method: request.method,
      path: request.url?.split('?')[0],
      status,
      operationName: record.operationName,
      subject: record.subject,
      tenant: record.tenant,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      outcome,
      errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
    };
    logger[fault ? 'error' : 'info'](line);
  });
  return record;
}

type WithRequest = { req?: IncomingMessage };

/**
 * Fills the record from GraphQL: the operation's name and the codes of the errors returned (parse
 * and validation errors included, after masking: what the client saw).
 */
export function useRequestRecord(onErrorCode: (code: string) => void): Plugin {
  const nameOperation = ({ args }: { args: OperationArgs }) => {
    const record = recordOf((args.contextValue as WithRequest).req);
    if (record) record.operationName = args.operationName ?? operationNameOf(args.document);
  };
  return {
    onExecute: nameOperation,
    onSubscribe: nameOperation,
    onExecutionResult({ result, context }) {
      if (!result || Symbol.asyncIterator in result) return;
      const record = recordOf((context as WithRequest).req);
      if (record && !record.operationName)
        record.operationName = context.params?.operationName ?? namedIn(context.params?.query);
      for (const error of result.errors ?? []) {
        const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        record?.errorCodes.push(code);
        onErrorCode(code);
      }
    },
  };
}

interface OperationArgs {
  contextValue: unknown;
  operationName?: string | null;
  document: { definitions: readonly { kind: string; name?: { value: string } }[] };
}

/** The name of a document that failed before it was executed (a parse or validation error). */
function namedIn(query: string | undefined): string | undefined {
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/.exec(query ?? '')?.[1];
}

function operationNameOf(document: OperationArgs['document']): string | undefined {
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  return operation?.name?.value;
}
