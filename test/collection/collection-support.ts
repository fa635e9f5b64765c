import { createHash, randomBytes } from 'node:crypto';
import type { TestServer } from '../support/server.js';
import { footprint, type Tenant } from '../support/workflow.js';

export const COLLECTION_FIELDS = `id kind status path sha256 sizeBytes downloadUrl uploadUrl requestedBy comment
  device { id hostname } remediationAction { id type source status requestedBy comment }`;

export const COLLECT = `mutation($input: CollectInput!) { collect(input: $input) {
  alreadyRequested collection { ${COLLECTION_FIELDS} } remediationAction { id type status } } }`;

export const COLLECTION = `query($id: ID!) { node(id: $id) { ... on Collection { ${COLLECTION_FIELDS} } } }`;

/** Random content of `size` bytes, as a client sends it. */
export const randomContent = (size: number): Uint8Array<ArrayBuffer> =>
  new Uint8Array(randomBytes(size));

export const sha256Of = (bytes: Uint8Array<ArrayBuffer>) =>
  createHash('sha256').update(bytes).digest('hex');

/** A client's PUT of content to a collection's upload URL, as an agent sends it. */
export async function upload(
  server: TestServer,
  path: string,
  bearer: string | null,
  body: Uint8Array<ArrayBuffer>,
  sha256: string | null = sha256Of(body),
) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(sha256 ? { 'x-content-sha256': sha256 } : {}),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** A client's GET of a collection's content. */
export async function download(server: TestServer, path: string, bearer: string | null) {
  const response = await fetch(`${server.url}${path}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text: () => new TextDecoder().decode(bytes),
  };
}

/** What a refused upload must leave as it was: the tenant's rows, and no stored content. */
export async function collectionFootprint(server: TestServer, tid: string) {
  const where = { tenantId: tid };
  const [base, contents, collections] = await Promise.all([
    footprint(server, tid),
    server.prisma.collectionContent.count({ where }),
    server.prisma.collection.findMany({ where, orderBy: { id: 'asc' } }),
  ]);
  return { ...base, contents, collections };
}

export async function collectFor(
  server: TestServer,
  t: Tenant,
  input: Record<string, unknown>,
  bearer?: string,
) {
  return server.gql(
    COLLECT,
    { input: { comment: 'for analysis', ...input } },
    bearer ?? (await t.tokens.responder()),
  );
}
