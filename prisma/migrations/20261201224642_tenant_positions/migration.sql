-- Stream and audit ids count per tenant (issue 10 item 10): Quell's writers draw a tenant's next
-- id under the tenant's log lock, so ids of different tenants may coincide and the key is
-- (tenantId, id). Existing ids stay as they are (unique, and increasing within each tenant), so
-- cursors handed out before this migration still resume where they were.
-- DropIndex
DROP INDEX "stream_events_tenantId_id_idx";

-- AlterTable
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey",
ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("tenantId", "id");

-- AlterTable
ALTER TABLE "stream_events" DROP CONSTRAINT "stream_events_pkey",
ADD CONSTRAINT "stream_events_pkey" PRIMARY KEY ("tenantId", "id");
