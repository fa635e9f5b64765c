-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Plan" AS ENUM ('PLAN_1', 'PLAN_2', 'BUSINESS');

-- CreateEnum
CREATE TYPE "AutomationLevel" AS ENUM ('FULL', 'SEMI_REQUIRE_APPROVAL_ANY', 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS', 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS', 'NO_AUTOMATED_RESPONSE');

-- CreateEnum
CREATE TYPE "OsPlatform" AS ENUM ('WINDOWS', 'LINUX', 'MACOS');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH');

-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('ACTIVE', 'IN_PROGRESS', 'RESOLVED', 'REDIRECTED');

-- CreateEnum
CREATE TYPE "IncidentClassification" AS ENUM ('UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'INFORMATIONAL_EXPECTED_ACTIVITY');

-- CreateEnum
CREATE TYPE "IncidentRemediationStatus" AS ENUM ('NONE', 'PENDING_APPROVAL', 'REMEDIATED', 'PARTIALLY_REMEDIATED');

-- CreateEnum
CREATE TYPE "InvestigationState" AS ENUM ('RUNNING', 'PENDING_APPROVAL', 'REMEDIATED', 'PARTIALLY_REMEDIATED', 'NO_THREATS_FOUND', 'FAILED', 'TERMINATED_BY_USER', 'TERMINATED_BY_SYSTEM');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('FILE', 'PROCESS', 'REGISTRY_KEY', 'SERVICE', 'DRIVER', 'SCHEDULED_TASK', 'IP_ADDRESS', 'URL', 'USER');

-- CreateEnum
CREATE TYPE "Verdict" AS ENUM ('MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND');

-- CreateEnum
CREATE TYPE "LocationClass" AS ENUM ('OS_DIRECTORY', 'TEMP_FOLDER', 'OTHER', 'NONE');

-- CreateEnum
CREATE TYPE "EvidenceRemediationStatus" AS ENUM ('NONE', 'PENDING_APPROVAL', 'IN_PROGRESS', 'REMEDIATED', 'DECLINED', 'FAILED', 'RESTORED');

-- CreateEnum
CREATE TYPE "PolicyDecision" AS ENUM ('TAKE_AUTOMATICALLY', 'REQUIRE_APPROVAL', 'NO_ACTION', 'NO_INVESTIGATION');

-- CreateEnum
CREATE TYPE "RemediationActionType" AS ENUM ('QUARANTINE_FILE', 'REMOVE_REGISTRY_KEY', 'KILL_PROCESS', 'STOP_SERVICE', 'DISABLE_DRIVER', 'REMOVE_SCHEDULED_TASK', 'ISOLATE_DEVICE', 'RESTRICT_CODE_EXECUTION', 'RUN_ANTIVIRUS_SCAN', 'COLLECT_INVESTIGATION_PACKAGE', 'INITIATE_INVESTIGATION', 'STOP_AND_QUARANTINE_FILE', 'ADD_INDICATOR');

-- CreateEnum
CREATE TYPE "ActionSource" AS ENUM ('AUTOMATED_INVESTIGATION', 'MANUAL', 'ANTIVIRUS');

-- CreateEnum
CREATE TYPE "RemediationActionStatus" AS ENUM ('PENDING_APPROVAL', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'UNDO_IN_PROGRESS', 'UNDONE');

-- CreateEnum
CREATE TYPE "IndicatorAction" AS ENUM ('BLOCK', 'ALLOW');

-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "plan" "Plan" NOT NULL DEFAULT 'PLAN_2',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_groups" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "automationLevel" "AutomationLevel" NOT NULL,
    "rank" INTEGER NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "ruleHostnamePrefix" TEXT,
    "ruleDomain" TEXT,
    "ruleTag" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "device_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "deviceGroupId" UUID NOT NULL,
    "groupAssignedExplicitly" BOOLEAN NOT NULL DEFAULT false,
    "hostname" TEXT NOT NULL,
    "osPlatform" "OsPlatform" NOT NULL,
    "domain" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "isolated" BOOLEAN NOT NULL DEFAULT false,
    "codeExecutionRestricted" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "primaryDeviceId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'ACTIVE',
    "classification" "IncidentClassification" NOT NULL DEFAULT 'UNKNOWN',
    "determination" TEXT,
    "assignedTo" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "remediationStatus" "IncidentRemediationStatus" NOT NULL DEFAULT 'NONE',
    "automatedInvestigationState" "InvestigationState",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_devices" (
    "incidentId" UUID NOT NULL,
    "deviceId" UUID NOT NULL,

    CONSTRAINT "incident_devices_pkey" PRIMARY KEY ("incidentId","deviceId")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "incidentId" UUID NOT NULL,
    "deviceId" UUID NOT NULL,
    "investigationId" UUID,
    "title" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "deviceId" UUID NOT NULL,
    "alertId" UUID,
    "incidentId" UUID,
    "investigationId" UUID,
    "kind" "EvidenceKind" NOT NULL,
    "path" TEXT,
    "sha256" TEXT,
    "size" BIGINT,
    "processId" INTEGER,
    "commandLine" TEXT,
    "registryKey" TEXT,
    "name" TEXT,
    "value" TEXT,
    "verdict" "Verdict",
    "remediationStatus" "EvidenceRemediationStatus" NOT NULL DEFAULT 'NONE',
    "locationClasses" "LocationClass"[] DEFAULT ARRAY[]::"LocationClass"[],
    "pathUnderstood" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "investigations" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "incidentId" UUID NOT NULL,
    "triggeringAlertId" UUID,
    "state" "InvestigationState" NOT NULL DEFAULT 'RUNNING',
    "findingsComplete" BOOLEAN NOT NULL DEFAULT false,
    "terminalState" "InvestigationState",
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "investigations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "investigation_devices" (
    "investigationId" UUID NOT NULL,
    "deviceId" UUID NOT NULL,
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "investigation_devices_pkey" PRIMARY KEY ("investigationId","deviceId")
);

-- CreateTable
CREATE TABLE "remediation_actions" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "deviceId" UUID NOT NULL,
    "deviceGroupId" UUID NOT NULL,
    "type" "RemediationActionType" NOT NULL,
    "source" "ActionSource" NOT NULL,
    "status" "RemediationActionStatus" NOT NULL,
    "evidenceId" UUID,
    "investigationId" UUID,
    "incidentId" UUID,
    "sha256" TEXT,
    "openTargetKey" TEXT,
    "decision" "PolicyDecision",
    "explanation" TEXT,
    "requestedBy" TEXT,
    "comment" TEXT,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionComment" TEXT,
    "completedAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "undoable" BOOLEAN NOT NULL,
    "undoRequestedBy" TEXT,
    "undoneBy" TEXT,
    "undoneAt" TIMESTAMP(3),
    "undoFailure" TEXT,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "remediation_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "indicators" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "action" "IndicatorAction" NOT NULL DEFAULT 'BLOCK',
    "createdBy" TEXT NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indicators_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "subject" TEXT NOT NULL,
    "roles" TEXT[],
    "operation" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetIds" TEXT[],
    "before" JSONB,
    "after" JSONB,
    "comment" TEXT,
    "requestId" TEXT,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stream_events" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "actionId" UUID NOT NULL,
    "deviceGroupId" UUID NOT NULL,
    "incidentId" UUID,
    "actionType" "RemediationActionType" NOT NULL,
    "previousStatus" "RemediationActionStatus",
    "status" "RemediationActionStatus" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stream_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "tenantId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("tenantId","subject","key")
);

-- CreateIndex
CREATE INDEX "device_groups_tenantId_isDefault_idx" ON "device_groups"("tenantId", "isDefault");

-- CreateIndex
CREATE UNIQUE INDEX "device_groups_tenantId_name_key" ON "device_groups"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "device_groups_tenantId_rank_key" ON "device_groups"("tenantId", "rank");

-- CreateIndex
CREATE INDEX "devices_tenantId_deviceGroupId_idx" ON "devices"("tenantId", "deviceGroupId");

-- CreateIndex
CREATE UNIQUE INDEX "devices_tenantId_hostname_key" ON "devices"("tenantId", "hostname");

-- CreateIndex
CREATE INDEX "incidents_tenantId_createdAt_idx" ON "incidents"("tenantId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "incidents_tenantId_primaryDeviceId_status_idx" ON "incidents"("tenantId", "primaryDeviceId", "status");

-- CreateIndex
CREATE INDEX "incident_devices_deviceId_idx" ON "incident_devices"("deviceId");

-- CreateIndex
CREATE INDEX "alerts_incidentId_createdAt_idx" ON "alerts"("incidentId", "createdAt");

-- CreateIndex
CREATE INDEX "alerts_investigationId_idx" ON "alerts"("investigationId");

-- CreateIndex
CREATE INDEX "alerts_tenantId_deviceId_idx" ON "alerts"("tenantId", "deviceId");

-- CreateIndex
CREATE INDEX "evidence_tenantId_sha256_idx" ON "evidence"("tenantId", "sha256");

-- CreateIndex
CREATE INDEX "evidence_investigationId_createdAt_idx" ON "evidence"("investigationId", "createdAt");

-- CreateIndex
CREATE INDEX "evidence_incidentId_createdAt_idx" ON "evidence"("incidentId", "createdAt");

-- CreateIndex
CREATE INDEX "evidence_alertId_idx" ON "evidence"("alertId");

-- CreateIndex
CREATE INDEX "evidence_deviceId_idx" ON "evidence"("deviceId");

-- CreateIndex
CREATE UNIQUE INDEX "investigations_triggeringAlertId_key" ON "investigations"("triggeringAlertId");

-- CreateIndex
CREATE INDEX "investigations_tenantId_startedAt_idx" ON "investigations"("tenantId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "investigations_incidentId_idx" ON "investigations"("incidentId");

-- CreateIndex
CREATE INDEX "investigation_devices_deviceId_idx" ON "investigation_devices"("deviceId");

-- CreateIndex
CREATE UNIQUE INDEX "remediation_actions_evidenceId_key" ON "remediation_actions"("evidenceId");

-- CreateIndex
CREATE UNIQUE INDEX "remediation_actions_openTargetKey_key" ON "remediation_actions"("openTargetKey");

-- CreateIndex
CREATE INDEX "remediation_actions_tenantId_status_deviceGroupId_createdAt_idx" ON "remediation_actions"("tenantId", "status", "deviceGroupId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_tenantId_createdAt_idx" ON "remediation_actions"("tenantId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_tenantId_deviceGroupId_createdAt_idx" ON "remediation_actions"("tenantId", "deviceGroupId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_investigationId_idx" ON "remediation_actions"("investigationId");

-- CreateIndex
CREATE INDEX "remediation_actions_incidentId_idx" ON "remediation_actions"("incidentId");

-- CreateIndex
CREATE INDEX "remediation_actions_deviceId_status_idx" ON "remediation_actions"("deviceId", "status");

-- CreateIndex
CREATE INDEX "remediation_actions_tenantId_sha256_idx" ON "remediation_actions"("tenantId", "sha256");

-- CreateIndex
CREATE INDEX "remediation_actions_status_expiresAt_idx" ON "remediation_actions"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "indicators_tenantId_sha256_key" ON "indicators"("tenantId", "sha256");

-- CreateIndex
CREATE INDEX "audit_events_tenantId_occurredAt_idx" ON "audit_events"("tenantId", "occurredAt" DESC);

-- CreateIndex
CREATE INDEX "audit_events_tenantId_operation_occurredAt_idx" ON "audit_events"("tenantId", "operation", "occurredAt" DESC);

-- CreateIndex
CREATE INDEX "stream_events_tenantId_id_idx" ON "stream_events"("tenantId", "id");

-- CreateIndex
CREATE INDEX "idempotency_records_expiresAt_idx" ON "idempotency_records"("expiresAt");

-- AddForeignKey
ALTER TABLE "device_groups" ADD CONSTRAINT "device_groups_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_deviceGroupId_fkey" FOREIGN KEY ("deviceGroupId") REFERENCES "device_groups"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_primaryDeviceId_fkey" FOREIGN KEY ("primaryDeviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_devices" ADD CONSTRAINT "incident_devices_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_devices" ADD CONSTRAINT "incident_devices_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_investigationId_fkey" FOREIGN KEY ("investigationId") REFERENCES "investigations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_investigationId_fkey" FOREIGN KEY ("investigationId") REFERENCES "investigations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "investigations" ADD CONSTRAINT "investigations_triggeringAlertId_fkey" FOREIGN KEY ("triggeringAlertId") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "investigation_devices" ADD CONSTRAINT "investigation_devices_investigationId_fkey" FOREIGN KEY ("investigationId") REFERENCES "investigations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "investigation_devices" ADD CONSTRAINT "investigation_devices_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_deviceGroupId_fkey" FOREIGN KEY ("deviceGroupId") REFERENCES "device_groups"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "evidence"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_investigationId_fkey" FOREIGN KEY ("investigationId") REFERENCES "investigations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "indicators" ADD CONSTRAINT "indicators_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
