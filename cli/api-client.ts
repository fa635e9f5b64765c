import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { CliError, type CliSettings, requireToken } from './settings.js';

interface GraphQLResponse<Result> {
  data?: Result | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A failure worth retrying with the same idempotency key: the request may not have arrived. */
export class TransientError extends Error {}

/**
 * The typed client of client/generated over HTTP: a document's result and variables types are
 * the server's schema, so a changed schema breaks the CLI at `tsc`, not at run time.
 */
export function createApiClient(settings: CliSettings) {
  const token = requireToken(settings);
  const endpoint = `${settings.url}/graphql`;

  async function request<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: print(document), variables }),
      });
    } catch (error) {
      throw new TransientError(`${endpoint} did not answer: ${(error as Error).message}`);
    }
    if ([502, 503, 504].includes(response.status)) {
      throw new TransientError(`${endpoint} answered ${response.status}`);
    }
    const body = (await response.json().catch(() => ({}))) as GraphQLResponse<Result>;
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code ?? 'ERROR';
      const exitCode = code === 'BAD_USER_INPUT' ? 2 : 1;
      throw new CliError(`${code}: ${error.message}`, exitCode);
    }
    if (!body.data) throw new CliError(`${endpoint} answered ${response.status} without data`);
    return body.data;
  }

  /** Sends again when a gateway or the network failed (not on 500: the server answered); the caller's idempotency key makes a resend harmless. */
  async function requestWithRetry<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    attempts = 4,
  ): Promise<Result> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(document, variables);
      } catch (error) {
        if (!(error instanceof TransientError) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  return { request, requestWithRetry, settings, token };
}

export type ApiClient = ReturnType<typeof createApiClient>;
