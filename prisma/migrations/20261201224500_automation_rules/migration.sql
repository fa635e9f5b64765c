-- CreateEnum
CREATE TYPE "AutomationTrigger" AS ENUM ('ACTION_PENDING', 'ACTION_STATUS_CHANGED', 'INCIDENT_CREATED', 'ALERT_REPORTED');

-- CreateEnum
CREATE TYPE "AutomationStep" AS ENUM ('NOTIFY_WEBHOOK', 'APPROVE', 'REJECT', 'ASSIGN_INCIDENT');

-- CreateTable
CREATE TABLE "automation_rules" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "trigger" "AutomationTrigger" NOT NULL,
    "condition" JSONB NOT NULL,
    "step" "AutomationStep" NOT NULL,
    "webhookId" UUID,
    "assignTo" TEXT,
    "createdBy" TEXT NOT NULL,
    "creatorGroups" TEXT[],
    "creatorAllGroups" BOOLEAN NOT NULL DEFAULT false,
    "sinceEventId" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "automation_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "automation_positions" (
    "tenantId" TEXT NOT NULL,
    "lastEventId" BIGINT NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),

    CONSTRAINT "automation_positions_pkey" PRIMARY KEY ("tenantId")
);

-- CreateTable
CREATE TABLE "automation_firings" (
    "ruleId" UUID NOT NULL,
    "eventId" BIGINT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "automation_firings_pkey" PRIMARY KEY ("ruleId","eventId")
);

-- CreateIndex
CREATE UNIQUE INDEX "automation_rules_tenantId_name_key" ON "automation_rules"("tenantId", "name");

-- CreateIndex
CREATE INDEX "automation_firings_tenantId_idx" ON "automation_firings"("tenantId");
