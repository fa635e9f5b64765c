import type { Prisma, Transaction } from '../db/client.js';
import type { Actor } from './actor.js';

export interface AuditEntry {
  operation: string;
  targetType: string;
  targetIds: string[];
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
  comment?: string | null;
  outcome: string;
}

/** Appends audit events in the caller's transaction, in one statement. The table is append-only. */
export async function writeAuditEvents(tx: Transaction, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.auditEvent.createMany({
    data: entries.map((entry) => ({
      tenantId: actor.tenantId,
      subject: actor.subject,
      roles: [...actor.roles],
      operation: entry.operation,
      targetType: entry.targetType,
      targetIds: entry.targetIds,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
      comment: entry.comment ?? null,
      requestId: actor.requestId,
      outcome: entry.outcome,
    })),
  });
}
