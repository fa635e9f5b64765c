-- Rules the database can hold itself, whatever code writes (Prisma's schema cannot express them).
ALTER TABLE "device_groups" ADD CONSTRAINT "device_groups_rank_positive" CHECK ("rank" >= 1);
ALTER TABLE "device_groups" ADD CONSTRAINT "device_groups_name_not_blank" CHECK (length(btrim("name")) > 0);
ALTER TABLE "devices" ADD CONSTRAINT "devices_hostname_not_blank" CHECK (length(btrim("hostname")) > 0);
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_sha256_hex" CHECK ("sha256" IS NULL OR "sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_sha256_hex" CHECK ("sha256" IS NULL OR "sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "indicators" ADD CONSTRAINT "indicators_sha256_hex" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
-- Only actions waiting for approval may carry an expiry, and only open actions hold a target key.
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_open_target_only_when_open"
  CHECK ("openTargetKey" IS NULL OR "status" IN ('PENDING_APPROVAL', 'IN_PROGRESS'));
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_undone_has_time"
  CHECK ("status" <> 'UNDONE' OR "undoneAt" IS NOT NULL);
