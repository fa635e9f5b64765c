import type { RawSql } from '../../db/raw-sql.js';
import { type AuditEventRow, insertAuditEvents } from '../../db/store/index.js';
import { actorRoles } from './actor.js';
import type { AuditEntry } from './audit-entry.js';
import type { SqlWork } from './work.js';

export type { AuditEntry } from './audit-entry.js';

const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

/**
 * Appends audit events in the caller's transaction, as one set-based INSERT however many there
 * are (a 10,000-finding submission writes 10,000 of them).
 */
export async function writeAuditEvents(tx: RawSql, entries: readonly AuditEntry[]): Promise<void> {
  await insertAuditEvents(tx, auditRowsOf(entries));
}

/** The audit_events rows of these entries (an entry without a time takes the present). */
export function auditRowsOf(entries: readonly AuditEntry[]): AuditEventRow[] {
  const now = new Date();
  return entries.map((e) => ({
    tenantId: e.tenantId,
    occurredAt: e.occurredAt ?? now,
    subject: e.subject,
    roles: e.roles,
    operation: e.operation,
    targetType: e.targetType,
    targetIds: e.targetIds,
    deviceGroupIds: [...new Set(e.deviceGroupIds)].sort(),
    before: json(e.before),
    after: json(e.after),
    comment: e.comment ?? null,
    requestId: e.requestId ?? null,
    outcome: e.outcome,
  }));
}

export type AuditInput = Omit<
  AuditEntry,
  'tenantId' | 'subject' | 'roles' | 'requestId' | 'operation' | 'outcome'
> & {
  operation?: string;
  outcome?: string;
};

/** Records an audit event of this work, by its actor, in its transaction. */
export function audit(work: SqlWork, entry: AuditInput): void {
  work.audit.push({
    tenantId: work.actor.tenantId,
    subject: work.actor.subject,
    roles: actorRoles(work.actor),
    requestId: work.actor.requestId,
    operation: work.operation,
    outcome: 'SUCCEEDED',
    occurredAt: work.now,
    ...entry,
  });
}
