-- DropIndex
DROP INDEX "Like_postId_idx";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "notificationsSeenAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "outcome" JSONB;

-- CreateIndex
CREATE INDEX "Like_postId_createdAt_userId_idx" ON "Like"("postId", "createdAt" DESC, "userId" DESC);
