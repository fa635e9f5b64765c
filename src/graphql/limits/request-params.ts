import type { Plugin } from 'graphql-yoga';

const JSON_PARAMS = ['variables', 'extensions'] as const;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * GraphQL over GET carries `variables` and `extensions` as JSON in the query string. Yoga parses
 * them with JSON.parse and reported a SyntaxError as an unexpected error (INTERNAL_SERVER_ERROR,
 * status 200); this answers 400 with BAD_USER_INPUT naming the parameter, before anything runs.
 */
export function useGetParamsCheck(): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET') return;
      const bad = JSON_PARAMS.find((name) => {
        const value = url.searchParams.get(name);
        return value !== null && !isJson(value);
      });
      if (!bad) return;
      const error = {
        message: `${bad}: must be JSON.`,
        extensions: { code: 'BAD_USER_INPUT', field: bad },
      };
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [error] }), {
          status: 400,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}
