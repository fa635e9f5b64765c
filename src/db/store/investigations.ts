import type { Transaction } from '../client.js';
import { utc } from './sql.js';

/** Locks an investigation of the tenant (FOR NO KEY UPDATE), so submissions to it queue. */
export async function lockInvestigation(tx: Transaction, tenantId: string, id: string) {
  await tx.$queryRaw`SELECT id FROM investigations WHERE id = ${id}::uuid AND "tenantId" = ${tenantId} FOR NO KEY UPDATE`;
}

/**
 * Locks an investigation of the tenant for a submission by setting its `lastFindingsAt` (an
 * UPDATE of a non-key column takes the same FOR NO KEY UPDATE lock, so submissions queue): the
 * lock and the write in one statement. A submission that fails rolls it back with the rest.
 */
export async function lockInvestigationForFindings(
  tx: Transaction,
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
  tx: Transaction,
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
  tx: Transaction,
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
  tx: Transaction,
  investigationId: string,
): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT d."deviceGroupId"::text AS id FROM investigation_devices i JOIN devices d ON d.id = i."deviceId"
    WHERE i."investigationId" = ${investigationId}::uuid`;
  return rows.map((row) => row.id);
}
