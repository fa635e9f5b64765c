import type { Transaction } from '../client.js';
import { utc } from './sql.js';
import { TENANT_LOG_LOCK_PREFIX } from './tenant-log-lock.js';

/** Locks incidents (in id order, FOR NO KEY UPDATE). */
export async function lockIncidents(tx: Transaction, sortedIds: readonly string[]): Promise<void> {
  await tx.$queryRaw`SELECT id FROM incidents WHERE id = ANY(${[...sortedIds]}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
}

/** What an investigation's state is derived from (SPEC §3.6), as stored now. */
export interface InvestigationFactsRow {
  id: string;
  state: string;
  findingsComplete: boolean;
  terminalState: string | null;
  endedAt: Date | null;
  threat: boolean;
  statuses: string[];
}

/**
 * Locks, in one statement, the investigations (id order) and then the incidents — those given and
 * those of the investigations — (id order, FOR NO KEY UPDATE). The investigations are locked by an
 * InitPlan that runs before the incidents' scan, so the order is the same as two statements'.
 * Returns the incidents locked, in id order.
 */
export async function lockDerivedStateRows(
  tx: Transaction,
  sortedInvestigationIds: readonly string[],
  incidentIds: readonly string[],
): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH locked_investigations AS MATERIALIZED (
      SELECT "incidentId" FROM investigations WHERE id = ANY(${[...sortedInvestigationIds]}::uuid[])
      ORDER BY id FOR NO KEY UPDATE
    )
    SELECT id::text FROM incidents
    WHERE id = ANY(${[...incidentIds]}::uuid[] || ARRAY(SELECT "incidentId" FROM locked_investigations))
    ORDER BY id FOR NO KEY UPDATE`;
  return rows.map((row) => row.id);
}

/** What an incident's derived states come from, with its investigations' stored states by id. */
export interface IncidentFactsByInvestigation {
  id: string;
  remediationStatus: string;
  automatedInvestigationState: string | null;
  statuses: string[];
  investigationIds: string[];
  investigationStates: string[];
}

interface FactsRow extends InvestigationFactsRow, IncidentFactsByInvestigation {
  kind: 'investigation' | 'incident';
}

/**
 * investigationFacts and incidentFacts in one statement (read after the rows were locked, so it
 * sees every earlier writer's committed actions). An incident lists its investigations' states as
 * stored before this transaction's refresh: the caller puts the new ones in.
 */
export async function derivedStateFacts(
  tx: Transaction,
  investigationIds: readonly string[],
  incidentIds: readonly string[],
): Promise<{ investigations: InvestigationFactsRow[]; incidents: IncidentFactsByInvestigation[] }> {
  const rows = await tx.$queryRaw<FactsRow[]>`
    SELECT 'investigation' AS kind, i.id::text, i.state::text AS state, i."findingsComplete",
           i."terminalState"::text AS "terminalState", i."endedAt",
           EXISTS (SELECT 1 FROM evidence e WHERE e."investigationId" = i.id AND e.verdict IN ('MALICIOUS', 'SUSPICIOUS')) AS threat,
           ARRAY(SELECT DISTINCT a.status::text FROM remediation_actions a WHERE a."investigationId" = i.id) AS statuses,
           NULL::text AS "remediationStatus", NULL::text AS "automatedInvestigationState",
           NULL::text[] AS "investigationIds", NULL::text[] AS "investigationStates"
    FROM investigations i WHERE i.id = ANY(${[...investigationIds]}::uuid[])
    UNION ALL
    SELECT 'incident', n.id::text, NULL, NULL, NULL, NULL, NULL,
           ARRAY(SELECT DISTINCT a.status::text FROM remediation_actions a WHERE a."incidentId" = n.id),
           n."remediationStatus"::text, n."automatedInvestigationState"::text,
           ARRAY(SELECT i.id::text FROM investigations i WHERE i."incidentId" = n.id ORDER BY i.id),
           ARRAY(SELECT i.state::text FROM investigations i WHERE i."incidentId" = n.id ORDER BY i.id)
    FROM incidents n WHERE n.id = ANY(${[...incidentIds]}::uuid[])`;
  return {
    investigations: rows.filter((row) => row.kind === 'investigation'),
    incidents: rows.filter((row) => row.kind === 'incident'),
  };
}

export interface DerivedStateChanges {
  investigations: readonly { id: string; state: string; endedAt: Date | null }[];
  incidents: readonly { id: string; status: string; state: string | null }[];
  now: Date;
}

/**
 * Writes the changed derived states and takes the tenants' log locks (pg_advisory_xact_lock, see
 * tenant-log-lock.ts) in one statement: the closing steps' first round trip. The audit and stream
 * inserts that follow draw their ids under the lock.
 */
export async function updateDerivedStatesAndLockLogs(
  tx: Transaction,
  changes: DerivedStateChanges,
  logTenantIds: readonly string[],
): Promise<void> {
  const { investigations: inv, incidents: inc } = changes;
  await tx.$executeRaw`
    WITH investigation_states AS (
      UPDATE investigations i SET state = c.state::"InvestigationState", "endedAt" = c.ended
      FROM unnest(${inv.map((c) => c.id)}::uuid[], ${inv.map((c) => c.state)}::text[],
                  ${inv.map((c) => utc(c.endedAt))}::timestamp[]) AS c(id, state, ended)
      WHERE i.id = c.id
    ), incident_states AS (
      UPDATE incidents n SET "remediationStatus" = c.status::"IncidentRemediationStatus",
                             "automatedInvestigationState" = c.state::"InvestigationState",
                             "updatedAt" = ${utc(changes.now)}::timestamp
      FROM unnest(${inc.map((c) => c.id)}::uuid[], ${inc.map((c) => c.status)}::text[],
                  ${inc.map((c) => c.state)}::text[]) AS c(id, status, state)
      WHERE n.id = c.id
    )
    SELECT pg_advisory_xact_lock(hashtextextended(${TENANT_LOG_LOCK_PREFIX} || t, 0))
    FROM (SELECT t FROM unnest(${[...logTenantIds].sort()}::text[]) AS t ORDER BY t) AS tenants`;
}
