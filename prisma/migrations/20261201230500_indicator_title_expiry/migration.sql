-- AlterTable: indicators get an optional title and expiry (SPEC §7.1).
ALTER TABLE "indicators" ADD COLUMN "title" TEXT,
ADD COLUMN "expiresAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "indicators_tenantId_action_createdAt_idx" ON "indicators"("tenantId", "action", "createdAt" DESC);
