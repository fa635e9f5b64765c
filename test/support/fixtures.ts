import type { PrismaClient } from '../../src/db/client.js';
import type {
  AutomationLevel,
  RemediationActionStatus,
  RemediationActionType,
} from '../../src/generated/prisma/enums.js';

/** Writes read-side fixtures straight to the database: the read API is what these tests examine. */
export function fixtures(prisma: PrismaClient, tenantId: string) {
  let n = 0;
  const next = () => ++n;

  return {
    async tenant() {
      await prisma.tenant.upsert({
        where: { id: tenantId },
        create: { id: tenantId, name: tenantId },
        update: {},
      });
      const existing = await prisma.deviceGroup.findFirst({ where: { tenantId, isDefault: true } });
      return (
        existing ??
        prisma.deviceGroup.create({
          data: {
            tenantId,
            name: 'Ungrouped devices',
            automationLevel: 'FULL',
            rank: 1000,
            isDefault: true,
          },
        })
      );
    },
    group(name: string, automationLevel: AutomationLevel = 'FULL') {
      return prisma.deviceGroup.create({ data: { tenantId, name, automationLevel, rank: next() } });
    },
    device(deviceGroupId: string, hostname = `host-${next()}`) {
      return prisma.device.create({
        data: { tenantId, deviceGroupId, hostname, osPlatform: 'WINDOWS', tags: ['fixture'] },
      });
    },
    /** An incident on `devices` with, per device, an alert, an investigation, a file evidence and an action. */
    async incident(
      devices: readonly { id: string; deviceGroupId: string }[],
      options: {
        status?: RemediationActionStatus;
        type?: RemediationActionType;
        title?: string;
      } = {},
    ) {
      const primary = devices[0]!;
      const incident = await prisma.incident.create({
        data: {
          tenantId,
          primaryDeviceId: primary.id,
          title: options.title ?? `Incident ${next()}`,
          severity: 'HIGH',
          devices: { create: devices.map((d) => ({ deviceId: d.id })) },
        },
      });
      const investigation = await prisma.investigation.create({
        data: {
          tenantId,
          incidentId: incident.id,
          devices: { create: devices.map((d) => ({ deviceId: d.id })) },
        },
      });
      const actions = [];
      for (const device of devices) {
        const alert = await prisma.alert.create({
          data: {
            tenantId,
            incidentId: incident.id,
            deviceId: device.id,
            investigationId: investigation.id,
            title: 'Suspicious file',
            severity: 'HIGH',
            detectedAt: new Date(),
          },
        });
        const sha256 = 'ab'.repeat(32);
        const evidence = await prisma.evidence.create({
          data: {
            tenantId,
            deviceId: device.id,
            alertId: alert.id,
            incidentId: incident.id,
            investigationId: investigation.id,
            kind: 'FILE',
            path: 'C:\\Users\\a\\Downloads\\x.exe',
            sha256,
            verdict: 'MALICIOUS',
            locationClasses: ['TEMP_FOLDER'],
          },
        });
        actions.push(
          await prisma.remediationAction.create({
            data: {
              tenantId,
              deviceId: device.id,
              deviceGroupId: device.deviceGroupId,
              type: options.type ?? 'QUARANTINE_FILE',
              source: 'AUTOMATED_INVESTIGATION',
              status: options.status ?? 'PENDING_APPROVAL',
              evidenceId: evidence.id,
              investigationId: investigation.id,
              incidentId: incident.id,
              sha256,
              decision: 'REQUIRE_APPROVAL',
              explanation: 'fixture',
              undoable: true,
            },
          }),
        );
      }
      return { incident, investigation, actions };
    },
  };
}

// bench/ imports it from here.
export { globalId } from './global-ids.js';
