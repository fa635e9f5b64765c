import type { Prisma, PrismaClient, Transaction } from './client.js';

/**
 * Whose rows a transaction may see under the database's row-level security (migration
 * `least_privilege_row_security`): one tenant's, or every tenant's for the background sweeps and
 * the stream hub, which work across tenants by design and say so.
 */
export type TenantScope = { readonly tenantId: string } | typeof ALL_TENANTS;
export const ALL_TENANTS = 'all-tenants' as const;

export function tenantScope(tenantId: string): TenantScope {
  return { tenantId };
}

type RawRunner = Pick<Transaction, '$executeRaw'>;

/** Transaction-local (`true`): the settings end with the transaction, so pooled connections carry nothing over. */
function setScope(runner: RawRunner, scope: TenantScope) {
  const tenantId = scope === ALL_TENANTS ? '' : scope.tenantId;
  const allTenants = scope === ALL_TENANTS ? 'on' : 'off';
  return runner.$executeRaw`SELECT set_config('quell.tenant_id', ${tenantId}, true), set_config('quell.all_tenants', ${allTenants}, true)`;
}

/** The first statement of every service transaction. */
export async function applyTenantScope(tx: Transaction, scope: TenantScope): Promise<void> {
  await setScope(tx, scope);
}

/** The client each scoped client was made from: a scope is never stacked on another. */
const baseClients = new WeakMap<PrismaClient, PrismaClient>();

/**
 * The plain client behind `prisma` (itself when it is not scoped). Interactive transactions open
 * on it: inside one, a scoped client's hook would send each query in a transaction of its own.
 */
export function unscopedClient(prisma: PrismaClient): PrismaClient {
  return baseClients.get(prisma) ?? prisma;
}

/**
 * A client whose every operation (model queries, raw SQL) is one batch transaction,
 * `BEGIN; set_config(…, true); <query>; COMMIT`: the reads of resolvers and services outside an
 * explicit transaction. A batch holds its pooled connection only while its statements run and
 * never waits for a second one, so no number of concurrent reads and mutations can starve the
 * pool; the scope ends with the batch, so a pooled connection carries nothing over.
 */
export function scopedClient(prisma: PrismaClient, scope: TenantScope): PrismaClient {
  const base = unscopedClient(prisma);
  const key = scope === ALL_TENANTS ? ALL_TENANTS : `tenant:${scope.tenantId}`;
  const cached = scopedClients.get(base) ?? new Map<string, PrismaClient>();
  scopedClients.set(base, cached);
  const known = cached.get(key);
  if (known) return known;
  // Building an extended client costs more than a small read: made once per tenant and reused.
  if (cached.size >= MAX_CACHED_SCOPES) cached.clear();
  const client = extendWithScope(base, scope);
  cached.set(key, client);
  baseClients.set(client, base);
  return client;
}

/** Bounds the memory of the cache below (a tenant's client is rebuilt after a clear). */
const MAX_CACHED_SCOPES = 1_000;
const scopedClients = new WeakMap<PrismaClient, Map<string, PrismaClient>>();

function extendWithScope(base: PrismaClient, scope: TenantScope): PrismaClient {
  const scoped = base.$extends({
    query: {
      async $allOperations({ args, query }) {
        const [, result] = await base.$transaction([setScope(base, scope), query(args)]);
        return result;
      },
    },
  });
  // The extension adds no method and changes no result type: the client keeps its shape.
  return scoped as unknown as PrismaClient;
}

/**
 * One read statement and its scope in a single round trip: `SELECT set_config(…), set_config(…),
 * (<statement>)` outside any transaction block, so the statement is its own transaction and the
 * transaction-local settings end with it (a pooled connection carries nothing over). PostgreSQL
 * evaluates the select list left to right and the sub-select (an InitPlan) only when it reaches
 * it, so the policies read the scope just set; were it ever otherwise they would read an unset
 * scope, which matches no tenant's rows (fail closed), never another tenant's.
 */
export async function queryInScope<Row>(
  prisma: PrismaClient,
  scope: TenantScope,
  statement: Prisma.Sql,
): Promise<Row | undefined> {
  const tenantId = scope === ALL_TENANTS ? '' : scope.tenantId;
  const allTenants = scope === ALL_TENANTS ? 'on' : 'off';
  const [row] = await unscopedClient(prisma).$queryRaw<
    Row[]
  >`SELECT set_config('quell.tenant_id', ${tenantId}, true) AS "tenantScope", set_config('quell.all_tenants', ${allTenants}, true) AS "allTenants", (${statement}) AS "result"`;
  return row;
}
