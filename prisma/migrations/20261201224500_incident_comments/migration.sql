-- CreateTable
CREATE TABLE "incident_comments" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "incidentId" UUID NOT NULL,
    "author" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_comments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "incident_comments_incidentId_createdAt_idx" ON "incident_comments"("incidentId", "createdAt");

-- CreateIndex
CREATE INDEX "incidents_tenantId_classification_idx" ON "incidents"("tenantId", "classification");

-- CreateIndex
CREATE INDEX "incidents_tenantId_assignedTo_idx" ON "incidents"("tenantId", "assignedTo");

-- CreateIndex (tags filter: hasSome)
CREATE INDEX "incidents_tags_idx" ON "incidents" USING GIN ("tags");

-- AddForeignKey
ALTER TABLE "incident_comments" ADD CONSTRAINT "incident_comments_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_comments" ADD CONSTRAINT "incident_comments_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
