"use client";
// One photo, in the feed or large on its own page. The like flow starts here: LikeButton (or a
// double tap on the photo) -> useLikeToggle's LikeToggleQueue (app/lib/like-toggle.ts) ->
// api.setLike -> PUT/DELETE /api/posts/:id/like. The count opens the list of likers.
//
// Other people's likes reach the count two ways: the owner's notifications (any card), and the
// post's live count (post:likes), which a card follows on the post's own page and while its
// likers are open. Both go through the queue's reconcile, which never overrides the viewer's
// own click in flight.
//
// The author sees a "Delete" control (DeletePostButton, with a confirm step). Once a photo is
// deleted, the feed drops its card (Feed); on its own page the card says so, and the author, who
// deleted it there, is taken to their profile.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/app/lib/api-client";
import { postPath, profilePath } from "@/shared/routes";
import { useLikeToggle } from "@/app/lib/like-toggle";
import type { Post } from "@/shared/api";
import { LikersDialog } from "../likers/LikersDialog";
import { RelativeTime } from "../RelativeTime";
import { useDeletedPosts, useNotificationCenter } from "../realtime/RealtimeProvider";
import { UserLink } from "../UserLink";
import { DeletePostButton } from "./DeletePostButton";
import { LikeButton } from "./LikeButton";
import { LikeCount } from "./LikeCount";
import { PostPhoto } from "./PostPhoto";
import { WatchLikeCount } from "./WatchLikeCount";

type Props = {
  post: Post;
  /** Load the photo at once (the first cards of the feed, the post page). */
  eager?: boolean;
  /** "page": the post's own page, larger and always following the live count. */
  variant?: "feed" | "page";
  /** The signed-in user's id: their own photos get a delete control. */
  viewerId?: string;
  /** The viewer deleted this photo (the feed drops the card). */
  onDeleted?: (postId: string) => void;
};

export function PostCard({ post, eager = false, variant = "feed", viewerId, onDeleted }: Props) {
  const like = useLikeToggle(post);
  const center = useNotificationCenter();
  const { reconcile, reconcileCount } = like;
  const [likersOpen, setLikersOpen] = useState(false);
  const likersButtonRef = useRef<HTMLButtonElement>(null);
  const likeButtonRef = useRef<HTMLButtonElement>(null);
  const onPage = variant === "page";
  const router = useRouter();
  const [gone, setGone] = useState(false);
  const mine = viewerId !== undefined && viewerId === post.author.id;

  const deletedHere = useCallback(() => {
    if (onPage) router.replace(profilePath(post.author.username));
    else onDeleted?.(post.id);
  }, [onPage, router, post.author.username, post.id, onDeleted]);
  // Its author deleted it, in another tab or browser: on its page, say so (the feed drops the card itself).
  useDeletedPosts(
    useCallback(
      (postId: string) => {
        if (postId === post.id) setGone(true);
      },
      [post.id],
    ),
  );

  const rereadPost = useCallback(() => {
    api.getPost(post.id).then(
      (fresh) => reconcile({ liked: fresh.likedByMe, likeCount: fresh.likeCount }),
      () => undefined,
    );
  }, [post.id, reconcile]);

  // Someone liked this photo (its owner is the one notified): re-read its count from the server.
  useEffect(
    () =>
      center.onNewItems((items) => {
        if (items.some((n) => n.post.id === post.id)) rereadPost();
      }),
    [center, post.id, rereadPost],
  );

  // A pushed count, or null after a reconnect: what changed meanwhile was missed, so re-read.
  const followCount = useCallback(
    (likeCount: number | null) => (likeCount === null ? rereadPost() : reconcileCount(likeCount)),
    [rereadPost, reconcileCount],
  );

  const closeLikers = useCallback(() => {
    setLikersOpen(false);
    // Back to the control that opened it; if the likes dropped to zero meanwhile it is gone.
    (likersButtonRef.current ?? likeButtonRef.current)?.focus();
  }, []);

  if (gone && onPage) {
    return (
      <article className="post-card post-card--page" data-testid="post-card" data-post-id={post.id} data-gone="true">
        <p className="post-card__gone" role="status">
          This photo was deleted.
        </p>
      </article>
    );
  }

  return (
    <article
      className={onPage ? "post-card post-card--page" : "post-card"}
      data-testid="post-card"
      data-post-id={post.id}
      aria-label={`Photo by ${post.author.name}`}
    >
      <header className="post-card__header">
        <UserLink user={post.author} testId="author-link" />
        {onPage ? (
          <RelativeTime iso={post.createdAt} className="post-card__time" />
        ) : (
          <Link href={postPath(post.id)} className="post-card__time" data-testid="post-link">
            <RelativeTime iso={post.createdAt} />
          </Link>
        )}
        {mine && <DeletePostButton postId={post.id} onDeleted={deletedHere} />}
      </header>

      <PostPhoto src={post.imageUrl} alt={post.caption} eager={eager} onDoubleTap={like.like} />

      <div className="post-card__body">
        <div className="post-card__actions">
          <LikeButton ref={likeButtonRef} liked={like.liked} onToggle={like.toggle} />
          <LikeCount ref={likersButtonRef} count={like.likeCount} onOpenLikers={() => setLikersOpen(true)} />
        </div>
        {like.error && (
          <p className="like-error" data-testid="like-error" role="status">
            {like.error}
          </p>
        )}
        <p className="post-card__caption">
          <Link href={profilePath(post.author.username)} className="post-card__caption-author">
            {post.author.username}
          </Link>{" "}
          {post.caption}
        </p>
      </div>

      {(onPage || likersOpen) && <WatchLikeCount postId={post.id} onChange={followCount} />}
      {likersOpen && <LikersDialog postId={post.id} likeCount={like.likeCount} onClose={closeLikers} />}
    </article>
  );
}
