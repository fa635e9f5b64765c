import { isExpired } from '../../policy/index.js';
import type { SqlWork } from '../kernel/work.js';
import { type ActionRow, moveActions } from './action-transitions.js';

/**
 * Pending actions past their expiry are expired (EXPIRED counts as rejected, SPEC §3.4) in the
 * work that finds them, whatever it came to do. Returns the rows as they are afterwards.
 */
export async function expireOverdue(
  work: SqlWork,
  rows: readonly ActionRow[],
): Promise<ActionRow[]> {
  const overdue = rows.filter(
    (row) => row.status === 'PENDING_APPROVAL' && isExpired(row.expiresAt, work.now),
  );
  if (overdue.length === 0) return [...rows];
  const moved = await moveActions(work, overdue, 'EXPIRED', {
    operation: 'expireRemediationActions',
    patch: () => ({ decidedAt: work.now }),
    auditAfter: (row) => ({ expiresAt: row.expiresAt?.toISOString() ?? null }),
  });
  const after = new Map(moved.map((m) => [m.after.id, m.after]));
  return rows.map((row) => after.get(row.id) ?? row);
}
