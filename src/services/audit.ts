import type { Transaction } from '../db/client.js';
import { utc } from './sql.js';

/** One audit record (SPEC §1, §5): who, what, before → after, when, request id, outcome. */
export interface AuditEntry {
  tenantId: string;
  subject: string;
  roles: readonly string[];
  /** The operation, e.g. `approveRemediationActions`, `executor.complete`, `expiry.sweep`. */
  operation: string;
  /** What the target ids are: `RemediationAction`, `Alert`, `Investigation`, `DeviceGroup`, `Device`. */
  targetType: string;
  targetIds: readonly string[];
  /** The device groups the targets belong to; a group-limited admin reads an event only when it may read them all. */
  deviceGroupIds: readonly string[];
  before?: unknown;
  after?: unknown;
  comment?: string | null;
  requestId?: string | null;
  /** `SUCCEEDED`, or what went wrong (`FAILED` for an action the executor could not carry out). */
  outcome: string;
  occurredAt?: Date;
}

const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

/**
 * Appends audit events in the caller's transaction, as one set-based INSERT however many there
 * are (a 10,000-finding submission writes 10,000 of them). The table is append-only: the database
 * refuses UPDATE, DELETE and TRUNCATE (migration `audit_append_only`).
 */
export async function writeAuditEvents(
  tx: Transaction,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const now = new Date();
  await tx.$executeRaw`
    INSERT INTO audit_events ("tenantId", "occurredAt", subject, roles, operation, "targetType", "targetIds",
                              "deviceGroupIds", before, after, comment, "requestId", outcome)
    SELECT t.tenant, t.at, t.subject,
           ARRAY(SELECT jsonb_array_elements_text(t.roles::jsonb)),
           t.operation, t.target_type,
           ARRAY(SELECT jsonb_array_elements_text(t.targets::jsonb)),
           ARRAY(SELECT jsonb_array_elements_text(t.groups::jsonb)),
           t.before::jsonb, t.after::jsonb, t.comment, t.request, t.outcome
    FROM unnest(
      ${entries.map((e) => e.tenantId)}::text[],
      ${entries.map((e) => utc(e.occurredAt ?? now))}::timestamp[],
      ${entries.map((e) => e.subject)}::text[],
      ${entries.map((e) => JSON.stringify(e.roles))}::text[],
      ${entries.map((e) => e.operation)}::text[],
      ${entries.map((e) => e.targetType)}::text[],
      ${entries.map((e) => JSON.stringify(e.targetIds))}::text[],
      ${entries.map((e) => JSON.stringify([...new Set(e.deviceGroupIds)].sort()))}::text[],
      ${entries.map((e) => json(e.before))}::text[],
      ${entries.map((e) => json(e.after))}::text[],
      ${entries.map((e) => e.comment ?? null)}::text[],
      ${entries.map((e) => e.requestId ?? null)}::text[],
      ${entries.map((e) => e.outcome)}::text[]
    ) WITH ORDINALITY AS t(tenant, at, subject, roles, operation, target_type, targets, groups, before, after, comment, request, outcome, n)
    ORDER BY t.n`;
}
