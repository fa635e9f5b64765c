import { Prisma } from '../client.js';
import type { RawSql } from '../raw-sql.js';
import { utc } from './sql.js';
import { TENANT_LOG_LOCK_PREFIX } from './tenant-log-lock.js';

/** Locks incidents (in id order, FOR NO KEY UPDATE). */
export async function lockIncidents(tx: RawSql, sortedIds: readonly string[]): Promise<void> {
  await tx.$queryRaw`SELECT id FROM incidents WHERE id = ANY(${[...sortedIds]}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
}

/** Investigations (with their incident) and incidents a transaction locked FOR NO KEY UPDATE. */
export interface DerivedRowLocks {
  incidentOfInvestigation: ReadonlyMap<string, string>;
  incidentIds: ReadonlySet<string>;
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
  tx: RawSql,
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
 *
 * The same statement takes the log locks of `logTenantIds` (pg_advisory_xact_lock, see
 * tenant-log-lock.ts), after the row locks the transaction already holds: the closing statement
 * that follows (derivedStateWrites with the audit and stream inserts) draws its ids from a
 * snapshot taken under them. The facts need no fresher snapshot than this one: every other writer
 * of these rows waits for their locks before it recomputes, so it cannot commit in between.
 */
export async function derivedStateFacts(
  tx: RawSql,
  investigationIds: readonly string[],
  incidentIds: readonly string[],
  logTenantIds: readonly string[] = [],
): Promise<{ investigations: InvestigationFactsRow[]; incidents: IncidentFactsByInvestigation[] }> {
  const rows = await tx.$queryRaw<FactsRow[]>`
    WITH log_locks AS MATERIALIZED (
      SELECT pg_advisory_xact_lock(hashtextextended(${TENANT_LOG_LOCK_PREFIX} || t, 0))
      FROM (SELECT t FROM unnest(${[...logTenantIds].sort()}::text[]) AS t ORDER BY t) AS tenants
    )
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
    FROM incidents n WHERE n.id = ANY(${[...incidentIds]}::uuid[])
    UNION ALL
    -- One row however many tenants: the one-time filter runs the locks even when there are no facts.
    SELECT 'log-locks', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    WHERE (SELECT count(*) FROM log_locks) >= 0`;
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
 * The changed derived states as data-modifying statements, to run as one statement with the audit
 * and stream inserts (runAsOneStatement): the closing steps' last round trip. Empty: nothing changed.
 */
export function derivedStateWrites(changes: DerivedStateChanges): Prisma.Sql[] {
  const { investigations: inv, incidents: inc } = changes;
  const writes: Prisma.Sql[] = [];
  if (inv.length > 0)
    writes.push(Prisma.sql`
      UPDATE investigations i SET state = c.state::"InvestigationState", "endedAt" = c.ended
      FROM unnest(${inv.map((c) => c.id)}::uuid[], ${inv.map((c) => c.state)}::text[],
                  ${inv.map((c) => utc(c.endedAt))}::timestamp[]) AS c(id, state, ended)
      WHERE i.id = c.id`);
  if (inc.length > 0)
    writes.push(Prisma.sql`
      UPDATE incidents n SET "remediationStatus" = c.status::"IncidentRemediationStatus",
                             "automatedInvestigationState" = c.state::"InvestigationState",
                             "updatedAt" = ${utc(changes.now)}::timestamp
      FROM unnest(${inc.map((c) => c.id)}::uuid[], ${inc.map((c) => c.status)}::text[],
                  ${inc.map((c) => c.state)}::text[]) AS c(id, status, state)
      WHERE n.id = c.id`);
  return writes;
}
