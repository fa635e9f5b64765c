-- AlterTable
ALTER TABLE "stream_events" ADD COLUMN     "deviceId" UUID;
