// Serves the Action Center page (built into web/dist by `postinstall`) at `/`, from memory, with
// no CDN: hashed assets may be cached for a year, index.html is revalidated by its ETag. Outside
// production it also hands the page the development token, as `npm start` prints it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken, type TokenSettings } from '../auth/tokens.js';

const DEFAULT_DIRECTORY = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

function asset(path: string, cacheControl: string): Asset {
  const body = readFileSync(path);
  const etag = `"${createHash('sha256').update(body.toString('latin1')).digest('base64url').slice(0, 22)}"`;
  const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
  return { body, contentType, cacheControl, etag };
}

/** `/` and `/assets/<hashed name>` → file; read once, at start. */
function loadAssets(directory: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(join(directory, 'index.html'))) return assets;
  assets.set('/', asset(join(directory, 'index.html'), 'no-cache'));
  for (const name of readdirSync(join(directory, 'assets'))) {
    assets.set(`/assets/${name}`, asset(join(directory, 'assets', name), IMMUTABLE));
  }
  return assets;
}

function send(request: IncomingMessage, response: ServerResponse, found: Asset): void {
  const headers = {
    'content-type': found.contentType,
    'cache-control': found.cacheControl,
    etag: found.etag,
    'x-content-type-options': 'nosniff',
  };
  if (request.headers['if-none-match'] === found.etag) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': found.body.byteLength });
  response.end(request.method === 'HEAD' ? undefined : found.body);
}

function sendDevelopmentToken(response: ServerResponse, tokens: TokenSettings): void {
  const secret = tokens.secret;
  // With an identity provider, tokens signed with the secret would be refused anyway.
  if (!secret || tokens.jwks) {
    response.writeHead(404).end();
    return;
  }
  void signToken(
    { sub: 'dev-admin', tid: 'demo', roles: ['admin', 'ingest'], groups: '*' },
    secret,
  ).then((token) =>
    response
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ token })),
  );
}

export interface WebPageOptions {
  production: boolean;
  tokens: TokenSettings;
  directory?: string;
}

/** A request handler that answers the page's paths and returns false for every other path. */
export function createWebPage(options: WebPageOptions) {
  const assets = loadAssets(options.directory ?? DEFAULT_DIRECTORY);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    if (path === '/action-center/dev-token') {
      if (options.production) response.writeHead(404).end();
      else sendDevelopmentToken(response, options.tokens);
      return true;
    }
    const found = assets.get(path === '/index.html' ? '/' : path);
    if (found) {
      send(request, response, found);
      return true;
    }
    if (path !== '/') return false;
    response
      .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      .end('The Action Center page is not built: run `npm run build:web`.\n');
    return true;
  };
}
