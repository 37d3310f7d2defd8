"use client";
// React's handle on one post's LikeToggleQueue. The queue lives as long as the card does.
import { useState, useSyncExternalStore } from "react";
import { api, describeLikeError } from "./api-client";
import { LikeToggleQueue, type LikeSnapshot } from "./like-toggle-queue";

export function useLikeToggle(
  post: { id: string; likedByMe: boolean; likeCount: number },
): LikeSnapshot & Pick<LikeToggleQueue, "toggle" | "like" | "reconcile" | "reconcileCount"> {
  const [queue] = useState(
    () =>
      new LikeToggleQueue(
        { liked: post.likedByMe, likeCount: post.likeCount },
        (liked) => api.setLike(post.id, liked), // PUT or DELETE /api/posts/:id/like
        describeLikeError,
      ),
  );
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
  return { ...snapshot, toggle: queue.toggle, like: queue.like, reconcile: queue.reconcile, reconcileCount: queue.reconcileCount };
}
