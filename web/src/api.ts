// One typed call to the GraphQL API over HTTP. Documents come from the generated client, so the
// result type is the operation's own; nothing here types a result by hand.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';

/** The token was refused (401, or UNAUTHENTICATED): the page asks for a token again. */
export class SignInRequired extends Error {}

/** The server refused the call with a typed error. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface GraphQLResponse<Result> {
  data?: Result | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const printed = new WeakMap<object, string>();
function queryText(document: DocumentNode): string {
  let text = printed.get(document);
  if (!text) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

export async function request<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  token: string,
): Promise<Result> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: queryText(document), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<Result>;
  const first = body.errors?.[0];
  if (response.status === 401 || first?.extensions?.code === 'UNAUTHENTICATED') {
    throw new SignInRequired(first?.message ?? 'The server refused the access token.');
  }
  if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR');
  if (!body.data) throw new ApiError(`The server answered ${response.status}.`, 'HTTP');
  return body.data;
}

export { queryText };
