-- Device groups, tenant settings, device search (SPEC §7.1; issue 14 items 4-6).

-- Every remediation action keeps the group it was decided under. "deviceGroupId" stays the
-- device's current group (what scope and the Pending tab read); these two columns record the
-- group at decision time and are never rewritten. No foreign key: they outlive a deleted group,
-- and the name keeps the history readable after it is gone.
ALTER TABLE "remediation_actions" ADD COLUMN "decisionDeviceGroupId" UUID,
ADD COLUMN "decisionDeviceGroupName" TEXT;

-- Existing rows: the group each action's first audit event recorded (the group at decision
-- time), else the action's current group column (which followed its device until now).
WITH first_event AS (
  SELECT DISTINCT ON (e."tenantId", target) e."tenantId", target::uuid AS "actionId",
         e."deviceGroupIds"[1]::uuid AS "groupId"
  FROM "audit_events" e, unnest(e."targetIds") AS target
  WHERE e."targetType" = 'RemediationAction' AND cardinality(e."deviceGroupIds") = 1
  ORDER BY e."tenantId", target, e."occurredAt", e."id"
)
UPDATE "remediation_actions" a SET "decisionDeviceGroupId" = f."groupId"
FROM first_event f JOIN "device_groups" g ON g."id" = f."groupId"
WHERE f."tenantId" = a."tenantId" AND f."actionId" = a."id";
UPDATE "remediation_actions" SET "decisionDeviceGroupId" = "deviceGroupId"
WHERE "decisionDeviceGroupId" IS NULL;
UPDATE "remediation_actions" a SET "decisionDeviceGroupName" = g."name"
FROM "device_groups" g WHERE g."id" = a."decisionDeviceGroupId";

ALTER TABLE "remediation_actions" ALTER COLUMN "decisionDeviceGroupId" SET NOT NULL,
ALTER COLUMN "decisionDeviceGroupName" SET NOT NULL;

-- Every insert path (the findings pipeline's bulk insert, manual actions, attack disruption,
-- rules) records the group the action is created in; an update cannot change it.
CREATE FUNCTION remediation_action_decision_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."decisionDeviceGroupId" := COALESCE(NEW."decisionDeviceGroupId", NEW."deviceGroupId");
    IF NEW."decisionDeviceGroupName" IS NULL THEN
      SELECT g."name" INTO NEW."decisionDeviceGroupName"
      FROM "device_groups" g WHERE g."id" = NEW."decisionDeviceGroupId";
    END IF;
  ELSE
    NEW."decisionDeviceGroupId" := OLD."decisionDeviceGroupId";
    NEW."decisionDeviceGroupName" := OLD."decisionDeviceGroupName";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "remediation_actions_decision_group"
BEFORE INSERT OR UPDATE OF "decisionDeviceGroupId", "decisionDeviceGroupName"
ON "remediation_actions" FOR EACH ROW EXECUTE FUNCTION remediation_action_decision_group();

CREATE INDEX "remediation_actions_tenantId_decisionDeviceGroupId_idx"
ON "remediation_actions"("tenantId", "decisionDeviceGroupId");

-- Tenant settings: the pending-action TTL of the tenant; NULL follows QUELL_PENDING_TTL_HOURS.
ALTER TABLE "tenants" ADD COLUMN "pendingActionTtlHours" INTEGER,
ADD CONSTRAINT "tenants_pendingActionTtlHours_range"
  CHECK ("pendingActionTtlHours" IS NULL OR "pendingActionTtlHours" BETWEEN 1 AND 8760);

-- searchDevices: hostname substring (ILIKE '%…%') within a tenant through one GIN index of the
-- tenant (btree_gin) and the hostname's trigrams (pg_trgm): a tenant's thousands of devices are
-- not filtered row by row. Platform and isolation filters ride on a btree index of their own.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX "devices_hostname_trgm_idx" ON "devices" USING GIN ("tenantId", "hostname" gin_trgm_ops);
CREATE INDEX "devices_tenantId_osPlatform_isolated_idx" ON "devices"("tenantId", "osPlatform", "isolated");
