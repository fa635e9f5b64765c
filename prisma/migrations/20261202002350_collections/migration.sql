-- Collection (SPEC §7.4): a file or an investigation package collected from a device.
-- AlterEnum
ALTER TYPE "RemediationActionType" ADD VALUE 'COLLECT_FILE';

-- CreateEnum
CREATE TYPE "CollectionKind" AS ENUM ('FILE', 'INVESTIGATION_PACKAGE');

-- CreateTable
CREATE TABLE "collections" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "deviceId" UUID NOT NULL,
    "remediationActionId" UUID NOT NULL,
    "kind" "CollectionKind" NOT NULL,
    "path" TEXT,
    "sha256" TEXT,
    "sizeBytes" INTEGER,
    "requestedBy" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collection_contents" (
    "collectionId" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collection_contents_pkey" PRIMARY KEY ("collectionId")
);

-- CreateIndex
CREATE UNIQUE INDEX "collections_remediationActionId_key" ON "collections"("remediationActionId");

-- CreateIndex
CREATE INDEX "collections_tenantId_deviceId_createdAt_idx" ON "collections"("tenantId", "deviceId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "collections" ADD CONSTRAINT "collections_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collections" ADD CONSTRAINT "collections_remediationActionId_fkey" FOREIGN KEY ("remediationActionId") REFERENCES "remediation_actions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collection_contents" ADD CONSTRAINT "collection_contents_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "collections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the stored content is what was checked at upload.
ALTER TABLE "collections" ADD CONSTRAINT "collections_sha256_hex" CHECK ("sha256" IS NULL OR "sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "collections" ADD CONSTRAINT "collections_uploaded_has_content" CHECK ("uploadedAt" IS NULL OR ("sha256" IS NOT NULL AND "sizeBytes" IS NOT NULL));
