-- A row's device is always in the row's own tenant, and a device's group in the device's tenant
-- (issue 11). The foreign keys to devices and device groups named only the id, so nothing below
-- the application stopped a device from pointing at another tenant's group, or evidence at another
-- tenant's device, and every scoped read had to join devices and device groups again to re-check
-- the tenant (for an all-groups caller, two index probes per nested row: 2/3 of the page-50 read's
-- buffers). With the tenant in the keys, the tenant column of the row itself decides, and a read
-- joins devices or groups only to test group names. Each composite key replaces the id-only one
-- under the same name, so a write still makes one check per reference.
ALTER TABLE "device_groups" ADD CONSTRAINT "device_groups_tenantId_id_key" UNIQUE ("tenantId", "id");
ALTER TABLE "devices" ADD CONSTRAINT "devices_tenantId_id_key" UNIQUE ("tenantId", "id");

ALTER TABLE "devices" DROP CONSTRAINT "devices_deviceGroupId_fkey";
ALTER TABLE "devices" ADD CONSTRAINT "devices_deviceGroupId_fkey" FOREIGN KEY ("tenantId", "deviceGroupId")
  REFERENCES "device_groups"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "alerts" DROP CONSTRAINT "alerts_deviceId_fkey";
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_deviceId_fkey" FOREIGN KEY ("tenantId", "deviceId")
  REFERENCES "devices"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "evidence" DROP CONSTRAINT "evidence_deviceId_fkey";
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_deviceId_fkey" FOREIGN KEY ("tenantId", "deviceId")
  REFERENCES "devices"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "remediation_actions" DROP CONSTRAINT "remediation_actions_deviceId_fkey";
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_deviceId_fkey" FOREIGN KEY ("tenantId", "deviceId")
  REFERENCES "devices"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "remediation_actions" DROP CONSTRAINT "remediation_actions_deviceGroupId_fkey";
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_deviceGroupId_fkey" FOREIGN KEY ("tenantId", "deviceGroupId")
  REFERENCES "device_groups"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
