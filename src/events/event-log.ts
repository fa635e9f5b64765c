import type { PrismaClient } from '../db/client.js';
import { ALL_TENANTS, scopedClient, tenantScope } from '../db/tenant-scope.js';
import type { StreamEvent } from '../generated/prisma/client.js';

export type LoggedEvent = StreamEvent;

/**
 * Reads of the stream_events log. Every read is by (tenantId, id) on the table's index.
 *
 * Why "id > position" reads never skip an event: appendActionEvents (append.ts) inserts a
 * tenant's events only while holding that tenant's transaction-scoped advisory lock, so ids of a
 * tenant are drawn in the order its transactions commit, and the lock is released only after the
 * commit is visible. A snapshot that shows id N therefore already shows every smaller id of the
 * tenant that will ever exist; a reader can advance its position to the largest id it saw.
 */
export interface EventLog {
  /** The tenant's events after `after`, oldest first, at most `limit`. */
  readAfter(tenantId: string, after: bigint, limit: number): Promise<LoggedEvent[]>;
  /** The id of the tenant's newest visible event (0 when it has none). */
  end(tenantId: string): Promise<bigint>;
  /** The same for several tenants in one statement (the periodic catch-up). */
  ends(tenantIds: readonly string[]): Promise<Map<string, bigint>>;
}

export function prismaEventLog(prisma: PrismaClient): EventLog {
  // Row-level security: a tenant's reads in its own scope; the catch-up spans tenants by design.
  const forTenant = (tenantId: string) => scopedClient(prisma, tenantScope(tenantId));
  const allTenants = scopedClient(prisma, ALL_TENANTS);
  return {
    readAfter: (tenantId, after, limit) =>
      forTenant(tenantId).streamEvent.findMany({
        where: { tenantId, id: { gt: after } },
        orderBy: { id: 'asc' },
        take: limit,
      }),

    async end(tenantId) {
      // ORDER BY id DESC LIMIT 1 walks the (tenantId, id) index backwards: one row, whatever the log size.
      const last = await forTenant(tenantId).streamEvent.findFirst({
        where: { tenantId },
        orderBy: { id: 'desc' },
        select: { id: true },
      });
      return last?.id ?? 0n;
    },

    async ends(tenantIds) {
      if (tenantIds.length === 0) return new Map();
      const rows = await allTenants.$queryRaw<{ tenantId: string; id: bigint | null }[]>`
        SELECT t.tenant AS "tenantId",
               (SELECT s.id FROM stream_events s WHERE s."tenantId" = t.tenant ORDER BY s.id DESC LIMIT 1) AS id
        FROM unnest(${[...tenantIds]}::text[]) AS t(tenant)`;
      return new Map(rows.map((r) => [r.tenantId, r.id ?? 0n]));
    },
  };
}
