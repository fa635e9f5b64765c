import type { Transaction } from '../db/client.js';
import {
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  type IncidentRemediationStatus,
  type InvestigationState,
  type InvestigationTerminal,
  mostUrgentInvestigationState,
  type RemediationActionStatus,
} from '../policy/index.js';
import { utc } from './sql.js';

/** States after which an investigation has ended (its end time is set). */
const ENDED_STATES: ReadonlySet<InvestigationState> = new Set([
  'REMEDIATED',
  'PARTIALLY_REMEDIATED',
  'NO_THREATS_FOUND',
  'FAILED',
  'TERMINATED_BY_USER',
  'TERMINATED_BY_SYSTEM',
]);

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
 * alerts, actions). Two transactions changing different actions of one investigation therefore recompute one
 * after the other, and the second reads the first one's committed actions: the stored state can
 * never be computed from a stale view.
 */
export async function refreshDerivedStates(
  tx: Transaction,
  targets: DerivedStateTargets,
): Promise<void> {
  const investigationIds = [...new Set(targets.investigationIds)].sort();
  const incidentIds = new Set(targets.incidentIds);
  if (investigationIds.length > 0) {
    const locked = await tx.$queryRaw<{ id: string; incidentId: string }[]>`
      SELECT id::text, "incidentId"::text FROM investigations WHERE id = ANY(${investigationIds}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
    for (const row of locked) incidentIds.add(row.incidentId);
  }
  const incidents = [...incidentIds].sort();
  if (incidents.length > 0) {
    await tx.$queryRaw`SELECT id FROM incidents WHERE id = ANY(${incidents}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
  }

  if (investigationIds.length > 0) {
    const facts = await tx.$queryRaw<
      {
        id: string;
        state: InvestigationState;
        findingsComplete: boolean;
        terminalState: InvestigationTerminal | null;
        endedAt: Date | null;
        threat: boolean;
        statuses: RemediationActionStatus[];
      }[]
    >`
      SELECT i.id::text, i.state::text AS state, i."findingsComplete", i."terminalState"::text AS "terminalState", i."endedAt",
             EXISTS (SELECT 1 FROM evidence e WHERE e."investigationId" = i.id AND e.verdict IN ('MALICIOUS', 'SUSPICIOUS')) AS threat,
             ARRAY(SELECT DISTINCT a.status::text FROM remediation_actions a WHERE a."investigationId" = i.id) AS statuses
      FROM investigations i WHERE i.id = ANY(${investigationIds}::uuid[])`;
    const changed: { id: string; state: InvestigationState; endedAt: Date | null }[] = [];
    for (const row of facts) {
      const state = deriveInvestigationState({
        complete: row.findingsComplete,
        terminal: row.terminalState,
        hadThreatVerdict: row.threat,
        actionStatuses: row.statuses,
      });
      const endedAt = ENDED_STATES.has(state) ? (row.endedAt ?? targets.now) : null;
      if (
        state !== row.state ||
        (endedAt?.getTime() ?? null) !== (row.endedAt?.getTime() ?? null)
      ) {
        changed.push({ id: row.id, state, endedAt });
      }
    }
    if (changed.length > 0) {
      await tx.$executeRaw`
        UPDATE investigations i SET state = c.state::"InvestigationState", "endedAt" = c.ended
        FROM unnest(${changed.map((c) => c.id)}::uuid[], ${changed.map((c) => c.state)}::text[],
                    ${changed.map((c) => utc(c.endedAt))}::timestamp[]) AS c(id, state, ended)
        WHERE i.id = c.id`;
    }
  }

  if (incidents.length > 0) {
    const facts = await tx.$queryRaw<
      {
        id: string;
        remediationStatus: IncidentRemediationStatus;
        automatedInvestigationState: InvestigationState | null;
        statuses: RemediationActionStatus[];
        states: InvestigationState[];
      }[]
    >`
      SELECT n.id::text, n."remediationStatus"::text AS "remediationStatus",
             n."automatedInvestigationState"::text AS "automatedInvestigationState",
             ARRAY(SELECT DISTINCT a.status::text FROM remediation_actions a WHERE a."incidentId" = n.id) AS statuses,
             ARRAY(SELECT DISTINCT i.state::text FROM investigations i WHERE i."incidentId" = n.id) AS states
      FROM incidents n WHERE n.id = ANY(${incidents}::uuid[])`;
    const changed: {
      id: string;
      status: IncidentRemediationStatus;
      state: InvestigationState | null;
    }[] = [];
    for (const row of facts) {
      const status = deriveIncidentRemediationStatus(row.statuses);
      const state = mostUrgentInvestigationState(row.states);
      if (status !== row.remediationStatus || state !== row.automatedInvestigationState)
        changed.push({ id: row.id, status, state });
    }
    if (changed.length > 0) {
      await tx.$executeRaw`
        UPDATE incidents n SET "remediationStatus" = c.status::"IncidentRemediationStatus",
                               "automatedInvestigationState" = c.state::"InvestigationState",
                               "updatedAt" = ${utc(targets.now)}::timestamp
        FROM unnest(${changed.map((c) => c.id)}::uuid[], ${changed.map((c) => c.status)}::text[],
                    ${changed.map((c) => c.state)}::text[]) AS c(id, status, state)
        WHERE n.id = c.id`;
    }
  }
}
