"use client";
// Follows a post's live like count while mounted (see usePostLikes): a component rather than a
// hook so a card can watch only when it should (its own page, or its likers open). The server
// caps how many posts one socket may watch, so a feed must not watch every card it shows.
import type { PostLikesListener } from "@/app/lib/post-watchers";
import { usePostLikes } from "../realtime/RealtimeProvider";

export function WatchLikeCount({ postId, onChange }: { postId: string; onChange: PostLikesListener }) {
  usePostLikes(postId, onChange);
  return null;
}
