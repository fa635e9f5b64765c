import type { EvidenceKind } from '../../generated/prisma/enums.js';
import { Prisma } from '../client.js';
import type { RawSql } from '../raw-sql.js';
import { type DeviceScopeTerms, deviceInScope } from './device-scope.js';
import type { FindingsDeviceRow } from './investigations.js';
import { type ArrayElement, sqlArray, utc } from './sql.js';

/** One evidence row to insert, its location already classified by the policy engine. */
export interface EvidenceRow {
  id: string;
  deviceId: string;
  alertId: string | null;
  incidentId: string | null;
  investigationId: string | null;
  kind: string;
  path: string | null;
  sha256: string | null;
  processId: number | null;
  commandLine: string | null;
  registryKey: string | null;
  name: string | null;
  value: string | null;
  verdict: string | null;
  locationClasses: readonly string[];
  pathUnderstood: boolean;
  remediationStatus: string;
}

/** Inserts evidence set-based: one statement for any number of rows, in the given order. */
export async function insertEvidenceRows(
  tx: RawSql,
  tenantId: string,
  now: Date,
  rows: readonly EvidenceRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = (pick: (r: EvidenceRow) => ArrayElement) => sqlArray(rows.map(pick));
  await tx.$executeRaw`
    INSERT INTO evidence (id, "tenantId", "deviceId", "alertId", "incidentId", "investigationId", kind, path, sha256, "processId",
                          "commandLine", "registryKey", name, value, verdict, "locationClasses", "pathUnderstood", "remediationStatus", "createdAt")
    SELECT v.id, ${tenantId}, v.device, v.alert, v.incident, v.investigation, v.kind::"EvidenceKind", v.path, v.sha,
           v.pid, v.cmd, v.reg, v.name, v.value, v.verdict::"Verdict",
           v.classes::"LocationClass"[], v.understood, v.status::"EvidenceRemediationStatus", ${utc(now)}::timestamp
    FROM unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.deviceId)}::uuid[], ${col((r) => r.alertId)}::uuid[],
                ${col((r) => r.incidentId)}::uuid[], ${col((r) => r.investigationId)}::uuid[], ${col((r) => r.kind)}::text[],
                ${col((r) => r.path)}::text[], ${col((r) => r.sha256)}::text[], ${col((r) => r.processId)}::int[],
                ${col((r) => r.commandLine)}::text[], ${col((r) => r.registryKey)}::text[], ${col((r) => r.name)}::text[],
                ${col((r) => r.value)}::text[], ${col((r) => r.verdict)}::text[],
                ${col((r) => `{${r.locationClasses.join(',')}}`)}::text[], ${col((r) => r.pathUnderstood)}::boolean[],
                ${col((r) => r.remediationStatus)}::text[])
         WITH ORDINALITY AS v(id, device, alert, incident, investigation, kind, path, sha, pid, cmd, reg, name, value, verdict, classes, understood, status, n)
    ORDER BY v.n`;
}

/**
 * Records verdicts on existing evidence (the one statement that sets a verdict after insert):
 * evidence that belongs to no investigation yet joins `investigation` and its incident.
 */
export async function recordEvidenceVerdicts(
  tx: RawSql,
  investigation: { id: string; incidentId: string },
  verdicts: readonly { evidenceId: string; verdict: string }[],
): Promise<void> {
  if (verdicts.length === 0) return;
  // In id order, so concurrent submissions lock evidence rows in one order.
  const sorted = [...verdicts].sort((a, b) => (a.evidenceId < b.evidenceId ? -1 : 1));
  await tx.$executeRaw`
    UPDATE evidence e SET verdict = v.verdict::"Verdict", "investigationId" = COALESCE(e."investigationId", ${investigation.id}::uuid),
                          "incidentId" = COALESCE(e."incidentId", ${investigation.incidentId}::uuid)
    FROM unnest(${sorted.map((v) => v.evidenceId)}::uuid[], ${sorted.map((v) => v.verdict)}::text[]) AS v(id, verdict)
    WHERE e.id = v.id`;
}

/** Sets evidence remediation statuses (only where they change), in evidence id order. */
export async function setEvidenceRemediationStatuses(
  tx: RawSql,
  statuses: readonly { evidenceId: string; status: string }[],
): Promise<void> {
  if (statuses.length === 0) return;
  const sorted = [...statuses].sort((a, b) => (a.evidenceId < b.evidenceId ? -1 : 1));
  await tx.$executeRaw`
    UPDATE evidence e SET "remediationStatus" = v.status::"EvidenceRemediationStatus"
    FROM unnest(${sorted.map((p) => p.evidenceId)}::uuid[], ${sorted.map((p) => p.status)}::text[]) AS v(id, status)
    WHERE e.id = v.id AND e."remediationStatus" IS DISTINCT FROM v.status::"EvidenceRemediationStatus"`;
}

/** A row of `newestEvidenceOfShas`: where a sha256 was last seen on a device, with its group. */
export interface EvidenceSighting {
  id: string;
  deviceId: string;
  kind: string;
  path: string | null;
  sha256: string;
  investigationId: string | null;
  platform: string;
  deviceGroupId: string;
  level: string;
}

/**
 * The newest evidence of each sha256 on each device of the tenant that has no action yet,
 * leaving out `excludedEvidenceIds` (SPEC §3.3's "seen as evidence" elsewhere).
 */
export async function newestEvidenceOfShas(
  tx: RawSql,
  tenantId: string,
  shas: readonly string[],
  excludedEvidenceIds: readonly string[],
): Promise<EvidenceSighting[]> {
  return tx.$queryRaw<EvidenceSighting[]>`
    SELECT DISTINCT ON (e."deviceId", e.sha256)
           e.id::text, e."deviceId"::text, e.kind::text AS kind, e.path, e.sha256, e."investigationId"::text,
           d."osPlatform"::text AS platform, d."deviceGroupId"::text, g."automationLevel"::text AS level
    FROM evidence e
    JOIN devices d ON d.id = e."deviceId"
    JOIN device_groups g ON g.id = d."deviceGroupId"
    WHERE e."tenantId" = ${tenantId} AND e.sha256 = ANY(${[...shas]}::text[])
      AND e.id <> ALL(${[...excludedEvidenceIds]}::uuid[])
      AND NOT EXISTS (SELECT 1 FROM remediation_actions a WHERE a."evidenceId" = e.id)
    ORDER BY e."deviceId", e.sha256, e."createdAt" DESC, e.id DESC`;
}

/** Evidence a finding names, with what the findings' policy reads of its device. */
export interface KnownEvidenceRow {
  id: string;
  deviceId: string;
  kind: EvidenceKind;
  path: string | null;
  sha256: string | null;
  investigationId: string | null;
  device: Omit<FindingsDeviceRow, 'id'>;
}

/** The tenant's evidence among `ids` on devices in the caller's scope. */
export async function knownEvidenceInScope(
  tx: RawSql,
  tenantId: string,
  ids: readonly string[],
  scope: DeviceScopeTerms,
): Promise<KnownEvidenceRow[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<
    (Omit<KnownEvidenceRow, 'device'> &
      Omit<FindingsDeviceRow, 'id' | 'deviceGroup'> & {
        automationLevel: FindingsDeviceRow['deviceGroup']['automationLevel'];
      })[]
  >`
    SELECT e.id::text, e."deviceId"::text AS "deviceId", e.kind::text AS kind, e.path, e.sha256,
           e."investigationId"::text AS "investigationId", d."osPlatform"::text AS "osPlatform",
           d."deviceGroupId"::text AS "deviceGroupId", g."automationLevel"::text AS "automationLevel"
    FROM evidence e JOIN devices d ON d.id = e."deviceId" JOIN device_groups g ON g.id = d."deviceGroupId"
    WHERE e.id = ANY(${sqlArray(ids)}::uuid[]) AND e."tenantId" = ${tenantId}
      AND ${deviceInScope(tenantId, scope)}`;
  return rows.map(({ osPlatform, deviceGroupId, automationLevel, ...evidence }) => ({
    ...evidence,
    device: { osPlatform, deviceGroupId, deviceGroup: { automationLevel } },
  }));
}

/** These evidence rows show no remediation (an action planned for them was not created). */
export async function clearEvidenceRemediationStatus(
  tx: RawSql,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRaw(
    Prisma.sql`UPDATE evidence SET "remediationStatus" = 'NONE' WHERE id = ANY(${sqlArray(ids)}::uuid[])`,
  );
}
