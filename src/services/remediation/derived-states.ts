import type { Transaction } from '../../db/client.js';
import {
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
}

type InvestigationChange = DerivedStateChanges['investigations'][number];
type IncidentChange = DerivedStateChanges['incidents'][number];

/**
 * Recomputes the stored derived states (SPEC §3.6) of the given investigations and incidents —
 * and of the incidents those investigations belong to — with the policy engine's derive
 * functions, set-based: one lock statement and one facts query; returns what changed, which the
 * closing steps write (updateDerivedStatesAndLockLogs) in the statement that takes the log lock.
 *
 * The rows are locked (in id order, investigations before incidents) before their facts are
 * read — FOR NO KEY UPDATE, which does not block rows that merely reference them (new evidence,
 * alerts, actions). Two transactions changing different actions of one investigation therefore
 * recompute one after the other, and the second reads the first one's committed actions: the
 * stored state can never be computed from a stale view.
 */
export async function deriveStates(
  tx: Transaction,
  targets: DerivedStateTargets,
): Promise<DerivedStateChanges> {
  const investigationIds = [...new Set(targets.investigationIds)].sort();
  const given = [...new Set(targets.incidentIds)];
  if (investigationIds.length === 0 && given.length === 0)
    return { investigations: [], incidents: [], now: targets.now };
  const incidentIds = await lockDerivedStateRows(tx, investigationIds, given);
  const facts = await derivedStateFacts(tx, investigationIds, incidentIds);
  const investigations = changedInvestigations(facts.investigations, targets.now);
  const incidents = changedIncidents(facts.incidents, investigations);
  return { investigations, incidents, now: targets.now };
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
