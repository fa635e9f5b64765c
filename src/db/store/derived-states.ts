import type { Transaction } from '../client.js';
import { utc } from './sql.js';

/** Locks investigations (in id order, FOR NO KEY UPDATE); returns each one's incident. */
export async function lockInvestigations(
  tx: Transaction,
  sortedIds: readonly string[],
): Promise<{ id: string; incidentId: string }[]> {
  return tx.$queryRaw<{ id: string; incidentId: string }[]>`
    SELECT id::text, "incidentId"::text FROM investigations WHERE id = ANY(${[...sortedIds]}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
}

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

export async function investigationFacts(
  tx: Transaction,
  ids: readonly string[],
): Promise<InvestigationFactsRow[]> {
  return tx.$queryRaw<InvestigationFactsRow[]>`
    SELECT i.id::text, i.state::text AS state, i."findingsComplete", i."terminalState"::text AS "terminalState", i."endedAt",
           EXISTS (SELECT 1 FROM evidence e WHERE e."investigationId" = i.id AND e.verdict IN ('MALICIOUS', 'SUSPICIOUS')) AS threat,
           ARRAY(SELECT DISTINCT a.status::text FROM remediation_actions a WHERE a."investigationId" = i.id) AS statuses
    FROM investigations i WHERE i.id = ANY(${[...ids]}::uuid[])`;
}

export async function updateInvestigationStates(
  tx: Transaction,
  changed: readonly { id: string; state: string; endedAt: Date | null }[],
): Promise<void> {
  if (changed.length === 0) return;
  await tx.$executeRaw`
    UPDATE investigations i SET state = c.state::"InvestigationState", "endedAt" = c.ended
    FROM unnest(${changed.map((c) => c.id)}::uuid[], ${changed.map((c) => c.state)}::text[],
                ${changed.map((c) => utc(c.endedAt))}::timestamp[]) AS c(id, state, ended)
    WHERE i.id = c.id`;
}

/** What an incident's derived states come from (SPEC §3.6), as stored now. */
export interface IncidentFactsRow {
  id: string;
  remediationStatus: string;
  automatedInvestigationState: string | null;
  statuses: string[];
  states: string[];
}

export async function incidentFacts(
  tx: Transaction,
  ids: readonly string[],
): Promise<IncidentFactsRow[]> {
  return tx.$queryRaw<IncidentFactsRow[]>`
    SELECT n.id::text, n."remediationStatus"::text AS "remediationStatus",
           n."automatedInvestigationState"::text AS "automatedInvestigationState",
           ARRAY(SELECT DISTINCT a.status::text FROM remediation_actions a WHERE a."incidentId" = n.id) AS statuses,
           ARRAY(SELECT DISTINCT i.state::text FROM investigations i WHERE i."incidentId" = n.id) AS states
    FROM incidents n WHERE n.id = ANY(${[...ids]}::uuid[])`;
}

export async function updateIncidentStates(
  tx: Transaction,
  changed: readonly { id: string; status: string; state: string | null }[],
  now: Date,
): Promise<void> {
  if (changed.length === 0) return;
  await tx.$executeRaw`
    UPDATE incidents n SET "remediationStatus" = c.status::"IncidentRemediationStatus",
                           "automatedInvestigationState" = c.state::"InvestigationState",
                           "updatedAt" = ${utc(now)}::timestamp
    FROM unnest(${changed.map((c) => c.id)}::uuid[], ${changed.map((c) => c.status)}::text[],
                ${changed.map((c) => c.state)}::text[]) AS c(id, status, state)
    WHERE n.id = c.id`;
}
