import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
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
import { decodeId } from './global-id.js';
import { costError, fieldCost, MAX_COST } from './limits/cost.js';
import { loadNode, loadNodes } from './nodes.js';
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
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin, ComplexityPlugin],
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
    // Never throws: a malformed id decodes to a type no object has, so each caller decides what it
    // means (null in `nodes`, BAD_USER_INPUT naming the field elsewhere), never "Invalid global ID".
    decodeGlobalID: (globalID) => decodeId(globalID),
    // Each type's ids in one query with the scope filter: out of scope reads as null, exactly like
    // an id that never existed.
    nodeQueryOptions: {
      nullable: true,
      resolve: (_root, { id }, ctx, info) => loadNode(ctx, info, id),
    },
    nodesQueryOptions: {
      nullable: { list: false, items: true },
      resolve: (_root, { ids }, ctx, info) => loadNodes(ctx, info, ids),
    },
    // A page larger than the bound is refused with a typed error, never silently cut (SPEC §5).
    firstArgOptions: { validate: pageSizeSchema('first') },
    lastArgOptions: { validate: pageSizeSchema('last') },
  },
  complexity: {
    fieldComplexity: fieldCost,
    limit: { complexity: MAX_COST },
    complexityError: costError,
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

// Every connection of the contract has a totalCount, loaded with the same scope as its page.
builder.globalConnectionField('totalCount', (t) =>
  t.int({
    resolve: (parent) =>
      typeof parent.totalCount === 'function' ? parent.totalCount() : parent.totalCount,
  }),
);
