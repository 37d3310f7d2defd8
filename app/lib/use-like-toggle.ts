"use client";
// React's handle on one post's LikeToggleQueue. The queue lives as long as the card does. Each
// request carries a trace, and its journey goes to the journey panel (journey-like.ts).
import { useState, useSyncExternalStore } from "react";
import { api, describeLikeError } from "./api-client";
import { useJourneyStore } from "./journey/context";
import { sendTracedLike } from "./journey/like";
import { LikeToggleQueue, type LikeSnapshot } from "./like-toggle-queue";

export function useLikeToggle(
  /** The author, when given, names the photo's owner in the journey panel. */
  post: { id: string; likedByMe: boolean; likeCount: number; author?: { username: string } },
): LikeSnapshot & Pick<LikeToggleQueue, "toggle" | "like" | "reconcile" | "reconcileCount"> {
  const journeys = useJourneyStore();
  const [queue] = useState(() => {
    const deps = {
      setLikeTraced: api.setLikeTraced,
      journeys,
      describeError: describeLikeError,
      now: () => performance.now(),
    };
    const author = post.author ? { username: post.author.username } : undefined;
    return new LikeToggleQueue(
      { liked: post.likedByMe, likeCount: post.likeCount },
      // PUT or DELETE /api/posts/:id/like
      (liked, { clickedAt }) => sendTracedLike(deps, { id: post.id, author }, liked, clickedAt),
      describeLikeError,
    );
  });
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
  return {
    ...snapshot,
    toggle: queue.toggle,
    like: queue.like,
    reconcile: queue.reconcile,
    reconcileCount: queue.reconcileCount,
  };
}
