-- DropIndex
DROP INDEX "Post_authorId_idx";

-- DropIndex
DROP INDEX "Like_postId_idx";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "notificationsSeenAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "outcome" JSONB;

-- CreateIndex
CREATE INDEX "Post_authorId_createdAt_id_idx" ON "Post"("authorId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Like_postId_createdAt_userId_idx" ON "Like"("postId", "createdAt" DESC, "userId" DESC);
