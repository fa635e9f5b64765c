// The write bench's baseline (bench/writes.ts): the same rows written by hand-written SQL on one
// pg connection, one transaction per call, with no service, policy or Prisma in between. Each
// transaction makes the writes Quell's use case makes: the scoped lock, the conditional update,
// the evidence's and incident's derived statuses, audit rows, stream events under the tenant's log
// lock, and the NOTIFY. It does not validate, decide, or keep idempotency keys: that is the point.
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

const STREAM_LOCK = (tenantId: string) => `quell-stream:${tenantId}`;

async function inTransaction<T>(client: pg.PoolClient, body: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await body();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

interface MovedAction {
  id: string;
  evidenceId: string | null;
  incidentId: string | null;
  deviceGroupId: string;
  deviceId: string;
  type: string;
}

/** Audit rows (one per action, as Quell writes them) and stream events, then the NOTIFY. */
async function appendLogs(
  client: pg.PoolClient,
  tenantId: string,
  operation: string,
  moved: readonly MovedAction[],
  statuses: { from: string | null; to: string },
): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    STREAM_LOCK(tenantId),
  ]);
  const ids = moved.map((m) => m.id);
  await client.query(
    `INSERT INTO audit_events (id, "tenantId", "occurredAt", subject, roles, operation, "targetType", "targetIds",
                               "deviceGroupIds", before, after, outcome)
     SELECT (SELECT COALESCE(MAX(a.id), 0) FROM audit_events a WHERE a."tenantId" = $1) + t.n,
            $1, now() AT TIME ZONE 'UTC', 'bench-raw', ARRAY['responder'], $2, 'RemediationAction',
            ARRAY[t.id::text], ARRAY[t.grp::text], jsonb_build_object('status', $3::text),
            jsonb_build_object('status', $4::text), 'SUCCEEDED'
     FROM unnest($5::uuid[], $6::uuid[]) WITH ORDINALITY AS t(id, grp, n)`,
    [tenantId, operation, statuses.from, statuses.to, ids, moved.map((m) => m.deviceGroupId)],
  );
  await client.query(
    `INSERT INTO stream_events (id, "tenantId", "actionId", "deviceGroupId", "deviceId", "incidentId", "actionType", "previousStatus", status)
     SELECT (SELECT COALESCE(MAX(s.id), 0) FROM stream_events s WHERE s."tenantId" = $1) + t.n,
            $1, t.id, t.grp, t.device, t.incident, t.type::"RemediationActionType",
            $2::"RemediationActionStatus", $3::"RemediationActionStatus"
     FROM unnest($4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[]) WITH ORDINALITY AS t(id, grp, device, incident, type, n)`,
    [
      tenantId,
      statuses.from,
      statuses.to,
      ids,
      moved.map((m) => m.deviceGroupId),
      moved.map((m) => m.deviceId),
      moved.map((m) => m.incidentId),
      moved.map((m) => m.type),
    ],
  );
  await client.query("SELECT pg_notify('quell_stream', $1)", [tenantId]);
}

/** An incident's remediation status from its actions, in SQL (the policy's rule, simplified). */
const INCIDENT_STATUS = `
  UPDATE incidents i SET "updatedAt" = now() AT TIME ZONE 'UTC', "remediationStatus" = (
    SELECT CASE WHEN bool_or(a.status = 'PENDING_APPROVAL') THEN 'PENDING_APPROVAL'
                WHEN bool_and(a.status = 'COMPLETED') THEN 'REMEDIATED'
                WHEN bool_or(a.status = 'COMPLETED') THEN 'PARTIALLY_REMEDIATED'
                ELSE 'NONE' END::"IncidentRemediationStatus"
    FROM remediation_actions a WHERE a."incidentId" = i.id)
  WHERE i.id = ANY($1::uuid[])`;

/** approveRemediationActions by hand: lock in scope, move PENDING_APPROVAL to IN_PROGRESS. */
export async function rawApprove(
  client: pg.PoolClient,
  tenantId: string,
  ids: readonly string[],
): Promise<number> {
  return inTransaction(client, async () => {
    await client.query(
      `SELECT a.id FROM remediation_actions a
       JOIN devices d ON d.id = a."deviceId" AND d."tenantId" = $1
       JOIN device_groups g ON g.id = d."deviceGroupId" AND g."tenantId" = $1
       WHERE a."tenantId" = $1 AND a.id = ANY($2::uuid[]) ORDER BY a.id FOR UPDATE OF a`,
      [tenantId, [...ids].sort()],
    );
    const { rows } = await client.query<MovedAction>(
      `UPDATE remediation_actions SET status = 'IN_PROGRESS', "decidedBy" = 'bench-raw',
              "decidedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE "tenantId" = $1 AND id = ANY($2::uuid[]) AND status = 'PENDING_APPROVAL'
       RETURNING id, "evidenceId", "incidentId", "deviceGroupId", "deviceId", type::text`,
      [tenantId, ids],
    );
    await client.query(
      `UPDATE evidence SET "remediationStatus" = 'IN_PROGRESS' WHERE id = ANY($1::uuid[])`,
      [rows.map((r) => r.evidenceId)],
    );
    await client.query(INCIDENT_STATUS, [[...new Set(rows.map((r) => r.incidentId))]]);
    await appendLogs(client, tenantId, 'approveRemediationActions', rows, {
      from: 'PENDING_APPROVAL',
      to: 'IN_PROGRESS',
    });
    return rows.length;
  });
}

export interface RawInvestigation {
  id: string;
  incidentId: string;
  deviceId: string;
  deviceGroupId: string;
}

/** Inserts `count` malicious FILE evidence on the investigation's device; returns the rows. */
async function insertFindings(
  client: pg.PoolClient,
  tenantId: string,
  target: RawInvestigation,
  count: number,
) {
  const ids = Array.from({ length: count }, () => randomUUID());
  const hashes = ids.map(() => randomBytes(32).toString('hex'));
  // The spread's read (SPEC §3.3): where else these files were seen.
  await client.query(
    `SELECT "deviceId", sha256 FROM evidence WHERE "tenantId" = $1 AND sha256 = ANY($2::text[])`,
    [tenantId, hashes],
  );
  await client.query(
    `INSERT INTO evidence (id, "tenantId", "deviceId", "incidentId", "investigationId", kind, path, sha256, verdict,
                           "locationClasses", "pathUnderstood", "remediationStatus", "createdAt")
     SELECT t.id, $1, $2, $3, $4, 'FILE', 'C:\\Users\\u\\Downloads\\' || t.sha || '.exe', t.sha, 'MALICIOUS',
            ARRAY['OTHER']::"LocationClass"[], true, 'PENDING_APPROVAL', now() AT TIME ZONE 'UTC'
     FROM unnest($5::uuid[], $6::text[]) AS t(id, sha)`,
    [tenantId, target.deviceId, target.incidentId, target.id, ids, hashes],
  );
  return ids.map((id, i) => ({ id, sha256: hashes[i]! }));
}

/** submitInvestigationFindings by hand: `count` malicious files, each a pending quarantine. */
export async function rawSubmitFindings(
  client: pg.PoolClient,
  tenantId: string,
  target: RawInvestigation,
  count: number,
): Promise<number> {
  return inTransaction(client, async () => {
    await client.query('SELECT id FROM investigations WHERE id = $1 FOR NO KEY UPDATE', [
      target.id,
    ]);
    const evidence = await insertFindings(client, tenantId, target, count);
    const { rows } = await client.query<MovedAction>(
      `INSERT INTO remediation_actions (id, "tenantId", "deviceId", "deviceGroupId", type, source, status, "evidenceId",
         "investigationId", "incidentId", sha256, "openTargetKey", decision, explanation, undoable, "expiresAt",
         "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2, $3, 'QUARANTINE_FILE', 'AUTOMATED_INVESTIGATION', 'PENDING_APPROVAL', t.ev,
              $4, $5, t.sha, $8 || ':QUARANTINE_FILE:' || t.sha, 'REQUIRE_APPROVAL', 'bench', true,
              now() AT TIME ZONE 'UTC' + interval '7 days', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM unnest($6::uuid[], $7::text[]) AS t(ev, sha)
       ON CONFLICT DO NOTHING
       RETURNING id, "evidenceId", "incidentId", "deviceGroupId", "deviceId", type::text`,
      [
        tenantId,
        target.deviceId,
        target.deviceGroupId,
        target.id,
        target.incidentId,
        evidence.map((e) => e.id),
        evidence.map((e) => e.sha256),
        target.deviceId,
      ],
    );
    await client.query(
      `UPDATE investigations SET state = 'PENDING_APPROVAL', "lastFindingsAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`,
      [target.id],
    );
    await client.query(INCIDENT_STATUS, [[target.incidentId]]);
    await appendLogs(client, tenantId, 'submitInvestigationFindings', rows, {
      from: null,
      to: 'PENDING_APPROVAL',
    });
    return rows.length;
  });
}
