-- Read-path indexes (issue 11), each matching a hot read's filter and its full order, so the
-- read stops after its page instead of sorting or filtering rows it then throws away.

-- Pending and History by status: rows in the tab's order (createdAt DESC, id DESC) for the page;
-- deviceId in the key makes the scoped totalCount an index-only scan (no heap visit per row).
CREATE INDEX "remediation_actions_tenantId_status_createdAt_id_deviceId_idx" ON "remediation_actions"("tenantId", "status", "createdAt" DESC, "id" DESC, "deviceId");

-- An incident's actions, newest first, as its nested page reads them.
CREATE INDEX "remediation_actions_incidentId_createdAt_id_idx" ON "remediation_actions"("incidentId", "createdAt" DESC, "id" DESC);

-- The incident list's order with its tie-break (no incremental sort on id).
CREATE INDEX "incidents_tenantId_createdAt_id_idx" ON "incidents"("tenantId", "createdAt" DESC, "id" DESC);

-- An incident's evidence, oldest first, with its tie-break.
CREATE INDEX "evidence_incidentId_createdAt_id_idx" ON "evidence"("incidentId", "createdAt", "id");
