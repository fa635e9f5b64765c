import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import type { TokenSettings } from '../auth/tokens.js';
import type { Bytes } from '../db/store/index.js';
import { asUuid } from '../db/uuid.js';
import { COLLECTION_CONTENT_PATH as PATH } from '../graphql/collection-path.js';
import { tooLarge } from '../services/collection-upload.js';
import { actorFrom, DomainError, type Services } from '../services/index.js';
import { authenticate } from './authenticate.js';

// The content of a collection over plain HTTP (SPEC §7.4): the device's agent PUTs it, a
// responder GETs it at the `downloadUrl` the API gives. Both with the bearer token.

/** Header carrying the uploader's sha256 of the body (64 hex characters). */
export const SHA256_HEADER = 'x-content-sha256';

const STATUS_OF_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  CHECKSUM_MISMATCH: 422,
};

/** The parameter names the HTTP caller sent, for the service's field names. */
const PARAMETER_OF_FIELD: Record<string, string> = {
  sha256: 'X-Content-SHA256',
  content: 'body',
  collectionId: 'id',
};

function sendError(response: ServerResponse, error: DomainError): void {
  const status = STATUS_OF_CODE[error.code] ?? 400;
  const parameter = error.field ? (PARAMETER_OF_FIELD[error.field] ?? error.field) : undefined;
  const body = { error: { code: error.code, message: error.message, parameter, ...error.details } };
  if (status === 401) response.setHeader('www-authenticate', 'Bearer');
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** The collection's database id; anything else names no collection (404, like a missing one). */
function collectionIdOf(encoded: string): string {
  try {
    const decoded = decodeGlobalID(decodeURIComponent(encoded));
    if (decoded.typename === 'Collection') return asUuid(decoded.id);
  } catch {
    // Not a global id: it names nothing.
  }
  throw new DomainError('NOT_FOUND', 'No collection with this id has content you may read.');
}

/**
 * Reads the body up to `maxBytes`. Past the limit nothing more is kept (the rest is drained so
 * the client can read the answer) and PAYLOAD_TOO_LARGE is thrown: nothing gets stored.
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Bytes> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Bytes[] = [];
    let size = 0;
    const onData = (chunk: Bytes) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off('data', onData);
      request.resume();
      reject(tooLarge(maxBytes));
    };
    request.on('data', onData);
    request.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks, size))));
    request.once('error', reject);
  });
}

type Collections = Services['collections'];
type CollectionActor = Parameters<Collections['download']>[0];

async function sendDownload(
  collections: Collections,
  actor: CollectionActor,
  collectionId: string,
  response: ServerResponse,
): Promise<void> {
  const content = await collections.download(actor, collectionId);
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': content.bytes.length,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(content.fileName)}`,
    [SHA256_HEADER]: content.sha256,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  response.end(content.bytes);
}

async function receiveUpload(
  collections: Collections,
  actor: CollectionActor,
  collectionId: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const sha256 = request.headers[SHA256_HEADER];
  if (typeof sha256 !== 'string')
    throw new DomainError(
      'BAD_USER_INPUT',
      'X-Content-SHA256: the sha256 of the body is required.',
      'sha256',
    );
  const bytes = await readBody(request, collections.maxBytes);
  const uploaded = await collections.upload(actor, { collectionId, sha256, bytes });
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(
    JSON.stringify({
      collectionId: encodeGlobalID('Collection', uploaded.collectionId),
      sha256: uploaded.sha256,
      sizeBytes: uploaded.sizeBytes,
      alreadyUploaded: uploaded.alreadyUploaded,
    }),
  );
}

export function createCollectionContent(options: { services: Services; tokens: TokenSettings }) {
  const { collections } = options.services;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'PUT') {
      response.writeHead(405, { allow: 'GET, PUT' });
      return void response.end();
    }
    const auth = await authenticate(request.headers.authorization, options.tokens);
    if ('error' in auth) throw new DomainError('UNAUTHENTICATED', auth.message);
    const requestId = String(response.getHeader('x-request-id') ?? '') || null;
    const actor = actorFrom(auth.identity, requestId);
    const match = PATH.exec((request.url ?? '').split('?')[0] ?? '');
    const collectionId = collectionIdOf(match?.[1] ?? '');
    if (request.method === 'GET') return sendDownload(collections, actor, collectionId, response);
    return receiveUpload(collections, actor, collectionId, request, response);
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    answer(request, response).catch((error: unknown) => {
      // A refused upload's body is drained, so the client reads the answer instead of a reset.
      request.resume();
      if (response.headersSent) return void response.destroy();
      if (error instanceof DomainError) return sendError(response, error);
      sendError(response, new DomainError('INTERNAL_SERVER_ERROR', 'The request failed.'));
    });
  }

  const handles = (request: IncomingMessage) => PATH.test((request.url ?? '').split('?')[0] ?? '');

  return { handles, handle };
}
