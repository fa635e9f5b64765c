import { utc } from './sql.js';
import type { Work } from './work.js';

/** Links devices to an investigation and to its incident (both can grow). */
export async function joinDevices(
  work: Work,
  investigation: { id: string; incidentId: string },
  deviceIds: Iterable<string>,
) {
  const devices = [...new Set(deviceIds)].sort();
  if (devices.length === 0) return;
  await work.tx.$executeRaw`
    INSERT INTO investigation_devices ("investigationId", "deviceId", "joinedAt")
    SELECT ${investigation.id}::uuid, d, ${utc(work.now)}::timestamp FROM unnest(${devices}::uuid[]) AS d
    ON CONFLICT DO NOTHING`;
  await work.tx.$executeRaw`
    INSERT INTO incident_devices ("incidentId", "deviceId")
    SELECT ${investigation.incidentId}::uuid, d FROM unnest(${devices}::uuid[]) AS d
    ON CONFLICT DO NOTHING`;
}
