-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "trace" JSONB;
