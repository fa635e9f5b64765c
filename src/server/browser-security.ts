// What browsers may do with the API (issue 10 item 11): CORS only for configured origins (default:
// same origin, which is all the page at `/` needs), and yoga's CSRF prevention.
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

type CorsFactory = (request: Request) => false | CorsAnswer;
interface CorsAnswer {
  origin: string[];
  credentials: boolean;
  methods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAge: number;
}

/**
 * CORS headers only for an allowed origin, and then only that origin (never a reflection of
 * whatever the request says, and never `*` with credentials). For any other origin no CORS
 * header at all: same-origin requests need none, and a browser keeps a foreign page from reading
 * the answer (and from sending a preflighted request at all).
 */
export function corsPolicy(allowedOrigins: readonly string[]): CorsFactory {
  const allowed = new Set(allowedOrigins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      credentials: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-graphql-yoga-csrf'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    };
  };
}

/**
 * Headers a cross-site form or `<img>` cannot send without a CORS preflight. `authorization`
 * counts: Quell authenticates by bearer token, so every real client sends it, and a browser sends
 * it cross-origin only after the preflight the CORS policy answers.
 */
export const CSRF_HEADERS = ['authorization', 'x-graphql-yoga-csrf', 'graphql-preflight'];

/**
 * yoga's CSRF prevention: a request with a "simple" content type (form, text/plain, none — as
 * a GET) must carry one of CSRF_HEADERS. Its refusal gets a typed code like every other refusal.
 */
export function useBrowserCsrfPrevention(): Plugin {
  const prevention = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  return {
    onRequestParse(payload) {
      try {
        return prevention.onRequestParse?.(payload);
      } catch {
        throw createGraphQLError(
          `A request without a JSON body must carry one of the headers ${CSRF_HEADERS.join(', ')}.`,
          { extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } } },
        );
      }
    },
  };
}

/**
 * Cross-site WebSocket hijacking: a browser page of another origin may open a socket (no CORS
 * applies); refuse its upgrade unless the origin is allowed or the page's own. Clients that are
 * not browsers send no Origin and are judged by their token alone.
 */
export function allowedUpgradeOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowedOrigins.includes(origin)) return true;
  if (!URL.canParse(origin)) return false;
  return host !== undefined && new URL(origin).host === host;
}
