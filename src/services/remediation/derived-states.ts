import type { Transaction } from '../../db/client.js';
import {
  incidentFacts,
  investigationFacts,
  lockIncidents,
  lockInvestigations,
  updateIncidentStates,
  updateInvestigationStates,
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
}

/**
 * Recomputes the stored derived states (SPEC §3.6) of the given investigations and incidents —
 * and of the incidents those investigations belong to — with the policy engine's derive
 * functions, set-based: one lock statement, one facts query and one update per table.
 *
 * The rows are locked (in id order, investigations before incidents) before their facts are
 * read — FOR NO KEY UPDATE, which does not block rows that merely reference them (new evidence,
 * alerts, actions). Two transactions changing different actions of one investigation therefore
 * recompute one after the other, and the second reads the first one's committed actions: the
 * stored state can never be computed from a stale view.
 */
export async function refreshDerivedStates(
  tx: Transaction,
  targets: DerivedStateTargets,
): Promise<void> {
  const investigationIds = [...new Set(targets.investigationIds)].sort();
  const incidentIds = new Set(targets.incidentIds);
  if (investigationIds.length > 0) {
    for (const row of await lockInvestigations(tx, investigationIds))
      incidentIds.add(row.incidentId);
  }
  const incidents = [...incidentIds].sort();
  if (incidents.length > 0) await lockIncidents(tx, incidents);
  if (investigationIds.length > 0) await refreshInvestigations(tx, investigationIds, targets.now);
  if (incidents.length > 0) await refreshIncidents(tx, incidents, targets.now);
}

async function refreshInvestigations(tx: Transaction, ids: readonly string[], now: Date) {
  const changed: { id: string; state: InvestigationState; endedAt: Date | null }[] = [];
  for (const row of await investigationFacts(tx, ids)) {
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
  await updateInvestigationStates(tx, changed);
}

async function refreshIncidents(tx: Transaction, ids: readonly string[], now: Date) {
  const changed: { id: string; status: string; state: InvestigationState | null }[] = [];
  for (const row of await incidentFacts(tx, ids)) {
    const status = deriveIncidentRemediationStatus(row.statuses as RemediationActionStatus[]);
    const state = mostUrgentInvestigationState(row.states as InvestigationState[]);
    if (status !== row.remediationStatus || state !== row.automatedInvestigationState)
      changed.push({ id: row.id, status, state });
  }
  await updateIncidentStates(tx, changed, now);
}
