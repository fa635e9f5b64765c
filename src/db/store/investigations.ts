import type { AutomationLevel, OsPlatform, Plan } from '../../generated/prisma/enums.js';
import type { RawSql } from '../raw-sql.js';
import { type DeviceScopeTerms, deviceInScope } from './device-scope.js';
import { utc } from './sql.js';

/** Locks an investigation of the tenant (FOR NO KEY UPDATE), so submissions to it queue. */
export async function lockInvestigation(tx: RawSql, tenantId: string, id: string) {
  await tx.$queryRaw`SELECT id FROM investigations WHERE id = ${id}::uuid AND "tenantId" = ${tenantId} FOR NO KEY UPDATE`;
}

/**
 * Locks an investigation of the tenant for a submission by setting its `lastFindingsAt` (an
 * UPDATE of a non-key column takes the same FOR NO KEY UPDATE lock, so submissions queue): the
 * lock and the write in one statement. A submission that fails rolls it back with the rest.
 */
export async function lockInvestigationForFindings(
  tx: RawSql,
  tenantId: string,
  id: string,
  now: Date,
): Promise<void> {
  await tx.$executeRaw`
    UPDATE investigations SET "lastFindingsAt" = ${utc(now)}::timestamp
    WHERE id = ${id}::uuid AND "tenantId" = ${tenantId}`;
}

/** Links devices to an investigation and to its incident (both can grow); idempotent. */
export async function joinInvestigationDevices(
  tx: RawSql,
  investigation: { id: string; incidentId: string },
  deviceIds: Iterable<string>,
  now: Date,
): Promise<void> {
  const devices = [...new Set(deviceIds)].sort();
  if (devices.length === 0) return;
  // Both links in one statement (they do not read each other's rows).
  await tx.$executeRaw`
    WITH incident_links AS (
      INSERT INTO incident_devices ("incidentId", "deviceId")
      SELECT ${investigation.incidentId}::uuid, d FROM unnest(${devices}::uuid[]) AS d
      ON CONFLICT DO NOTHING
    )
    INSERT INTO investigation_devices ("investigationId", "deviceId", "joinedAt")
    SELECT ${investigation.id}::uuid, d, ${utc(now)}::timestamp FROM unnest(${devices}::uuid[]) AS d
    ON CONFLICT DO NOTHING`;
}

/** Links devices to an incident; idempotent. */
export async function joinIncidentDevices(
  tx: RawSql,
  incidentId: string,
  deviceIds: readonly string[],
): Promise<void> {
  if (deviceIds.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO incident_devices ("incidentId", "deviceId")
    SELECT ${incidentId}::uuid, d FROM unnest(${[...deviceIds]}::uuid[]) AS d
    ON CONFLICT DO NOTHING`;
}

/** The device groups of every device an investigation covers. */
export async function investigationDeviceGroups(
  tx: RawSql,
  investigationId: string,
): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT d."deviceGroupId"::text AS id FROM investigation_devices i JOIN devices d ON d.id = i."deviceId"
    WHERE i."investigationId" = ${investigationId}::uuid`;
  return rows.map((row) => row.id);
}

/** The tenant's investigation covers a device in the caller's scope (so the caller may see it). */
export async function investigationInScope(
  tx: RawSql,
  tenantId: string,
  id: string,
  scope: DeviceScopeTerms,
): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ visible: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM investigations i JOIN investigation_devices v ON v."investigationId" = i.id
      JOIN devices d ON d.id = v."deviceId" JOIN device_groups g ON g.id = d."deviceGroupId"
      WHERE i.id = ${id}::uuid AND i."tenantId" = ${tenantId} AND ${deviceInScope(tenantId, scope)}
    ) AS visible`;
  return row?.visible === true;
}

/** `complete`: the investigation takes no more findings. */
export async function markFindingsComplete(tx: RawSql, id: string): Promise<void> {
  await tx.$executeRaw`UPDATE investigations SET "findingsComplete" = true WHERE id = ${id}::uuid`;
}

/** A device of new evidence, with what the findings' policy reads of it. */
export interface FindingsDeviceRow {
  id: string;
  osPlatform: OsPlatform;
  deviceGroupId: string;
  deviceGroup: { automationLevel: AutomationLevel };
}

/** An investigation as a submission of findings reads it (after locking it). */
export interface FindingsInvestigationRow {
  id: string;
  incidentId: string;
  terminalState: string | null;
  findingsComplete: boolean;
  tenant: { plan: Plan; pendingActionTtlHours: number | null };
  /** The devices it covers that the caller may see, first joined first (none: not visible). */
  devices: { deviceId: string }[];
  /** The devices of new evidence (`deviceIds`, and the first of `devices` if asked), in scope. */
  evidenceDevices: FindingsDeviceRow[];
}

interface FindingsInvestigationResult
  extends Omit<FindingsInvestigationRow, 'devices' | 'tenant' | 'evidenceDevices'> {
  plan: Plan;
  pendingActionTtlHours: number | null;
  deviceIds: string[];
  evidenceDevices:
    | (Omit<FindingsDeviceRow, 'deviceGroup'> & { automationLevel: AutomationLevel })[]
    | null;
}

/**
 * One read of what a submission needs (the investigation locked by lockInvestigationForFindings
 * just before, so this snapshot sees every earlier submission): the investigation, its tenant's
 * plan and pending TTL, the devices it covers in the caller's scope, and the devices of the new
 * evidence in that scope — `evidenceDeviceIds`, plus the first covered device when
 * `withDefaultDevice` (new evidence without a device goes there). Null: no such investigation of
 * the tenant; no covered device in scope: the caller may not see it.
 */
export async function readInvestigationForFindings(
  tx: RawSql,
  tenantId: string,
  id: string,
  scope: DeviceScopeTerms,
  evidenceDevices: { deviceIds: readonly string[]; withDefaultDevice: boolean },
): Promise<FindingsInvestigationRow | null> {
  const inScope = deviceInScope(tenantId, scope);
  const [row] = await tx.$queryRaw<FindingsInvestigationResult[]>`
    WITH covered AS MATERIALIZED (
      SELECT v."deviceId" AS id, v."joinedAt" FROM investigation_devices v
      JOIN devices d ON d.id = v."deviceId" JOIN device_groups g ON g.id = d."deviceGroupId"
      WHERE v."investigationId" = ${id}::uuid AND ${inScope}
    ), evidence_devices AS (
      SELECT d.id::text, d."osPlatform"::text AS "osPlatform", d."deviceGroupId"::text AS "deviceGroupId",
             g."automationLevel"::text AS "automationLevel"
      FROM devices d JOIN device_groups g ON g.id = d."deviceGroupId"
      WHERE (d.id = ANY(${[...evidenceDevices.deviceIds]}::uuid[])
             OR (${evidenceDevices.withDefaultDevice}
                 AND d.id = (SELECT c.id FROM covered c ORDER BY c."joinedAt", c.id LIMIT 1)))
        AND ${inScope}
    )
    SELECT i.id::text, i."incidentId"::text AS "incidentId", i."terminalState"::text AS "terminalState",
           i."findingsComplete", t.plan::text AS plan, t."pendingActionTtlHours",
           ARRAY(SELECT c.id::text FROM covered c ORDER BY c."joinedAt", c.id) AS "deviceIds",
           (SELECT json_agg(e) FROM evidence_devices e) AS "evidenceDevices"
    FROM investigations i JOIN tenants t ON t.id = i."tenantId"
    WHERE i.id = ${id}::uuid AND i."tenantId" = ${tenantId}`;
  if (!row) return null;
  const { plan, pendingActionTtlHours, deviceIds, evidenceDevices: found, ...investigation } = row;
  return {
    ...investigation,
    tenant: { plan, pendingActionTtlHours },
    devices: deviceIds.map((deviceId) => ({ deviceId })),
    evidenceDevices: (found ?? []).map(({ automationLevel, ...device }) => ({
      ...device,
      deviceGroup: { automationLevel },
    })),
  };
}
