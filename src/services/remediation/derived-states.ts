import type { RawSql } from '../../db/raw-sql.js';
import {
  type DerivedRowLocks,
  type DerivedStateChanges,
  derivedStateFacts,
  type IncidentFactsByInvestigation,
  type InvestigationFactsRow,
  lockDerivedStateRows,
} from '../../db/store/index.js';
import {
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  hasEnded,
  type InvestigationState,
  type InvestigationTerminal,
  mostUrgentInvestigationState,
  type RemediationActionStatus,
} from '../../policy/index.js';

export interface DerivedStateTargets {
  investigationIds: Iterable<string>;
  incidentIds: Iterable<string>;
  now: Date;
  /** Rows this transaction locked already, in the lock order (lockActions' `lockDerivedRows`). */
  locked?: DerivedRowLocks | null;
  /** Tenants whose log locks the closing statement needs (taken with the facts read). */
  logTenantIds?: readonly string[];
}

type InvestigationChange = DerivedStateChanges['investigations'][number];
type IncidentChange = DerivedStateChanges['incidents'][number];

/**
 * Recomputes the stored derived states (SPEC §3.6) of the given investigations and incidents —
 * and of the incidents those investigations belong to — with the policy engine's derive
 * functions, set-based: one lock statement (none when `locked` covers them) and one facts query,
 * which also takes the log locks; returns what changed, which the closing statement writes
 * (derivedStateWrites) with the audit and stream inserts.
 *
 * The rows are locked (in id order, investigations before incidents) before their facts are
 * read — FOR NO KEY UPDATE, which does not block rows that merely reference them (new evidence,
 * alerts, actions). Two transactions changing different actions of one investigation therefore
 * recompute one after the other, and the second reads the first one's committed actions: the
 * stored state can never be computed from a stale view.
 */
export async function deriveStates(
  tx: RawSql,
  targets: DerivedStateTargets,
): Promise<DerivedStateChanges> {
  const investigationIds = [...new Set(targets.investigationIds)].sort();
  const given = [...new Set(targets.incidentIds)];
  const logTenantIds = targets.logTenantIds ?? [];
  const none = investigationIds.length === 0 && given.length === 0;
  if (none && logTenantIds.length === 0)
    return { investigations: [], incidents: [], now: targets.now };
  const incidentIds = none
    ? []
    : (alreadyLocked(targets.locked, investigationIds, given) ??
      (await lockDerivedStateRows(tx, investigationIds, given)));
  const facts = await derivedStateFacts(tx, investigationIds, incidentIds, logTenantIds);
  const investigations = changedInvestigations(facts.investigations, targets.now);
  const incidents = changedIncidents(facts.incidents, investigations);
  return { investigations, incidents, now: targets.now };
}

/**
 * The incidents to refresh when every target row is locked already (given ones and those of the
 * investigations), else null: the rows are then locked now, in the usual order.
 */
function alreadyLocked(
  locked: DerivedRowLocks | null | undefined,
  investigationIds: readonly string[],
  incidentIds: readonly string[],
): string[] | null {
  if (!locked) return null;
  const incidents = new Set<string>();
  for (const id of incidentIds) {
    if (!locked.incidentIds.has(id)) return null;
    incidents.add(id);
  }
  for (const id of investigationIds) {
    const incidentId = locked.incidentOfInvestigation.get(id);
    if (incidentId === undefined) return null;
    incidents.add(incidentId);
  }
  return [...incidents].sort();
}

function changedInvestigations(
  rows: readonly InvestigationFactsRow[],
  now: Date,
): InvestigationChange[] {
  const changed: InvestigationChange[] = [];
  for (const row of rows) {
    const state = deriveInvestigationState({
      complete: row.findingsComplete,
      terminal: row.terminalState as InvestigationTerminal | null,
      hadThreatVerdict: row.threat,
      actionStatuses: row.statuses as RemediationActionStatus[],
    });
    const endedAt = hasEnded(state) ? (row.endedAt ?? now) : null;
    if (state !== row.state || (endedAt?.getTime() ?? null) !== (row.endedAt?.getTime() ?? null))
      changed.push({ id: row.id, state, endedAt });
  }
  return changed;
}

/** An incident's states from its actions and its investigations' states as this refresh leaves them. */
function changedIncidents(
  rows: readonly IncidentFactsByInvestigation[],
  investigations: readonly InvestigationChange[],
): IncidentChange[] {
  const refreshed = new Map(investigations.map((row) => [row.id, row.state]));
  const changed: IncidentChange[] = [];
  for (const row of rows) {
    const states = row.investigationIds.map(
      (id, i) => (refreshed.get(id) ?? row.investigationStates[i]) as InvestigationState,
    );
    const status = deriveIncidentRemediationStatus(row.statuses as RemediationActionStatus[]);
    const state = mostUrgentInvestigationState([...new Set(states)]);
    if (status !== row.remediationStatus || state !== row.automatedInvestigationState)
      changed.push({ id: row.id, status, state });
  }
  return changed;
}
