-- AlterTable: the system timeout of an investigation counts from its last findings (SPEC §7.1).
ALTER TABLE "investigations" ADD COLUMN "lastFindingsAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Existing investigations count from their start (the last submission time was not recorded).
UPDATE "investigations" SET "lastFindingsAt" = "startedAt";

-- CreateIndex
CREATE INDEX "investigations_state_lastFindingsAt_idx" ON "investigations"("state", "lastFindingsAt");
