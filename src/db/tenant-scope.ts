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

export interface RequestScope {
  /** Reads through one transaction that set the scope once (opened at the first read, if any). */
  client: PrismaClient;
  /** Commits that transaction (nothing when no read ran). Call once, after the last read. */
  finish(): Promise<void>;
}

type Delegates = Record<string, Record<string, (args: unknown) => Promise<unknown>>>;

/**
 * One scope for a whole unit of reads (a GraphQL query or mutation's resolvers): a transaction
 * opened lazily at the first model operation, whose first statement sets the scope, shared by
 * every later operation until `finish`. A request of N reads then costs N + 1 statements (and one
 * BEGIN/COMMIT) instead of 2N (and N of each) with `scopedClient`. Raw SQL keeps its own short
 * transaction (no resolver sends any). Not for subscriptions: they would hold a connection open.
 */
export function requestScope(
  prisma: PrismaClient,
  scope: TenantScope,
  limits: { timeoutMs: number; maxWaitMs: number },
): RequestScope {
  let opened: Promise<Delegates> | null = null;
  let release: () => void = () => undefined;
  let committed: Promise<unknown> = Promise.resolve();
  const open = () => {
    opened ??= new Promise<Delegates>((resolve, reject) => {
      const released = new Promise<void>((done) => (release = done));
      committed = prisma
        .$transaction(
          async (tx) => {
            await setScope(tx, scope);
            resolve(tx as unknown as Delegates);
            await released;
          },
          { timeout: limits.timeoutMs, maxWait: limits.maxWaitMs },
        )
        .catch(reject);
    });
    return opened;
  };
  const client = prisma.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        if (!model) return (await prisma.$transaction([setScope(prisma, scope), query(args)]))[1];
        const tx = await open();
        const delegate = tx[model.charAt(0).toLowerCase() + model.slice(1)]!;
        return delegate[operation]!(args);
      },
    },
  });
  return {
    client: client as unknown as PrismaClient,
    async finish() {
      if (!opened) return;
      release();
      await committed;
    },
  };
}
