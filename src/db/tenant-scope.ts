import type { PrismaClient, Transaction } from './client.js';

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

/**
 * A client whose every operation (model queries, raw SQL) runs in its own short transaction that
 * first sets the scope: the reads of resolvers and services outside an explicit transaction.
 * Use the plain client for interactive transactions (`runTransaction` sets the scope itself):
 * a query inside one must not open a transaction of its own.
 */
export function scopedClient(prisma: PrismaClient, scope: TenantScope): PrismaClient {
  const scoped = prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        const [, result] = await prisma.$transaction([setScope(prisma, scope), query(args)]);
        return result;
      },
    },
  });
  // The extension adds no method and changes no result type: the client keeps its shape.
  return scoped as unknown as PrismaClient;
}
