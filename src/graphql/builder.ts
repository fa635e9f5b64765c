import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import type { GraphQLResolveInfo } from 'graphql';
import { hasRole } from '../auth/identity.js';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import type { QuellContext } from './context.js';
import { badUserInput, forbidden } from './errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSizeSchema } from './pagination.js';

/**
 * The schema is built once, at import, before any configuration exists: the server sets this from
 * its configuration (a warning outside production, nothing in production).
 */
export const prismaDiagnostics: { onUnusedQuery: ((info: GraphQLResolveInfo) => void) | null } = {
  onUnusedQuery: null,
};

export const builder = new SchemaBuilder<{
  Context: QuellContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    viewer: boolean;
    responder: boolean;
    admin: boolean;
    ingest: boolean;
    agent: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string | number | bigint };
  };
  DefaultFieldNullability: false;
  Connection: { totalCount: number | (() => number | Promise<number>) };
  DefaultInputFieldRequiredness: false;
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      viewer: hasRole(ctx.identity, 'viewer'),
      responder: hasRole(ctx.identity, 'responder'),
      admin: hasRole(ctx.identity, 'admin'),
      ingest: hasRole(ctx.identity, 'ingest'),
      agent: hasRole(ctx.identity, 'agent'),
    }),
    unauthorizedError: () => forbidden(),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: (info) => prismaDiagnostics.onUnusedQuery?.(info),
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // A node out of the caller's scope is loaded with the scope filter and so is "not found":
    // it must read as null, exactly like an id that never existed.
    nodeQueryOptions: {
      nullable: true,
      resolve: (_root, { id }, _ctx, _info, resolveNode) => nullWhenNotFound(resolveNode(id)),
    },
    nodesQueryOptions: {
      nullable: { list: false, items: true },
      resolve: (_root, { ids }, _ctx, _info, resolveNodes) =>
        ids.map((id) => nullWhenNotFound(resolveNodes([id]).then((nodes) => nodes[0]))),
    },
    // A page larger than the bound is refused with a typed error, never silently cut (SPEC §5).
    firstArgOptions: { validate: pageSizeSchema('first') },
    lastArgOptions: { validate: pageSizeSchema('last') },
  },
  validation: {
    validationError: (result) => {
      const issue = result.issues[0];
      const field =
        issue?.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') ??
        'input';
      return badUserInput(field, `${field}: ${issue?.message ?? 'invalid value'}`);
    },
  },
});

export { MAX_PAGE_SIZE };

/** Prisma's "no record found" (P2025) becomes null; every other failure still surfaces. */
async function nullWhenNotFound<T>(value: Promise<T> | T): Promise<T | null> {
  try {
    return await value;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'P2025') return null;
    throw error;
  }
}

// Every connection of the contract has a totalCount, loaded with the same scope as its page.
builder.globalConnectionField('totalCount', (t) =>
  t.int({
    resolve: (parent) =>
      typeof parent.totalCount === 'function' ? parent.totalCount() : parent.totalCount,
  }),
);
