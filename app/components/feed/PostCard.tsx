"use client";
// One photo in the feed. The like flow starts here: LikeButton -> useLikeToggle -> LikeToggleQueue
// -> api.setLike -> PUT/DELETE /api/posts/:id/like.
import { useEffect } from "react";
import { api } from "@/app/lib/api-client";
import { formatLikes } from "@/app/lib/format";
import type { Post } from "@/types/api";
import { useLikeToggle } from "@/app/lib/use-like-toggle";
import { Avatar } from "../Avatar";
import { RelativeTime } from "../RelativeTime";
import { useNotificationCenter } from "../realtime/RealtimeProvider";
import { LikeButton } from "./LikeButton";

export function PostCard({ post, eager = false }: { post: Post; eager?: boolean }) {
  const like = useLikeToggle(post);
  const center = useNotificationCenter();
  const { reconcile } = like;
  // Someone liked this photo (its owner is the one notified): re-read its count from the server.
  useEffect(
    () =>
      center.onNewItems((items) => {
        if (!items.some((n) => n.post.id === post.id)) return;
        api.getPost(post.id).then((fresh) => reconcile({ liked: fresh.likedByMe, likeCount: fresh.likeCount }), () => undefined);
      }),
    [center, post.id, reconcile],
  );
  return (
    <article className="post-card" data-testid="post-card" data-post-id={post.id} aria-label={`Photo by ${post.author.name}`}>
      <header className="post-card__header">
        <Avatar user={post.author} size={36} />
        <div className="post-card__author">
          <span className="post-card__name">{post.author.name}</span>
          <span className="post-card__username">@{post.author.username}</span>
        </div>
        <RelativeTime iso={post.createdAt} className="post-card__time" />
      </header>

      {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs, nothing to optimise */}
      <img
        className="post-card__image"
        src={post.imageUrl}
        alt={post.caption}
        width={1080}
        height={1080}
        loading={eager ? "eager" : "lazy"}
        decoding="async"
      />

      <div className="post-card__body">
        <div className="post-card__actions">
          <LikeButton liked={like.liked} onToggle={like.toggle} />
          <span className="like-count" data-testid="like-count" data-count={like.likeCount}>
            {formatLikes(like.likeCount)}
          </span>
        </div>
        {like.error && (
          <p className="like-error" data-testid="like-error" role="status">
            {like.error}
          </p>
        )}
        <p className="post-card__caption">
          <span className="post-card__caption-author">{post.author.username}</span> {post.caption}
        </p>
      </div>
    </article>
  );
}
