-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionGeneration" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "sessionsRevokedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "User_sessionsRevokedAt_idx" ON "User"("sessionsRevokedAt");
