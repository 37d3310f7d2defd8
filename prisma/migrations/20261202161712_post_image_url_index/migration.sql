-- CreateIndex
CREATE INDEX "Post_imageUrl_idx" ON "Post"("imageUrl");
