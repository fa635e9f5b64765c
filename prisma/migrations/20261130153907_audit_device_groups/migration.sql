-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "deviceGroupIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "audit_events_deviceGroupIds_idx" ON "audit_events" USING GIN ("deviceGroupIds");
