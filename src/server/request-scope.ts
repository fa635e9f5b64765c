import type { Plugin } from 'graphql-yoga';
import type { PrismaClient } from '../db/client.js';
import { requestScope, tenantScope } from '../db/tenant-scope.js';
import type { QuellContext } from '../graphql/context.js';

/** Long enough for the largest page a request may ask for; a request's reads take milliseconds. */
const REQUEST_LIMITS = { timeoutMs: 30_000, maxWaitMs: 10_000 };

/**
 * The tenant scope of row-level security, set once per GraphQL query or mutation: its resolvers
 * read through one transaction that set it (src/db/tenant-scope.ts `requestScope`), committed
 * when the execution ends. Subscriptions are not executions here: they keep the context's
 * per-read scoped client, so no connection stays open for a subscription's lifetime.
 */
export function useRequestTenantScope(prisma: PrismaClient): Plugin<QuellContext> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const context = args.contextValue as QuellContext;
        const scope = requestScope(prisma, tenantScope(context.identity.tenantId), REQUEST_LIMITS);
        try {
          return await executeFn({ ...args, contextValue: { ...context, prisma: scope.client } });
        } finally {
          await scope.finish();
        }
      });
    },
  };
}
