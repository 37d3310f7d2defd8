"use client";
// Who liked a post: a modal <dialog> (showModal gives focus trapping, Esc and the top layer for
// free), newest like first, 20 at a time. While open it follows the post live: every like or
// unlike anyone makes re-reads the first page and merges it in (app/lib/likers-list.ts).
// Mounted only while open; closing unmounts it, and the card puts focus back on its count.
import { useEffect, useId, useRef } from "react";
import { formatLikes } from "@/app/lib/format";
import { useLikers } from "@/app/lib/use-likers";
import { CloseIcon } from "../icons";
import { usePostLikes } from "../realtime/RealtimeProvider";
import { UserLink } from "../UserLink";
import "../social.css";

type Props = { postId: string; likeCount: number; onClose: () => void };

export function LikersDialog({ postId, likeCount, onClose }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { list, error, loadingMore, refresh, loadMore } = useLikers(postId);
  usePostLikes(postId, refresh);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    refresh();
  }, [refresh]);

  const close = () => dialogRef.current?.close(); // fires "close", like Esc does

  return (
    <dialog
      ref={dialogRef}
      className="likers-dialog"
      data-testid="likers-dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      // The panel fills the dialog, so a click whose target is the dialog itself hit the backdrop.
      onClick={(event) => {
        if (event.target === event.currentTarget) close();
      }}
    >
      <div className="likers-dialog__panel">
        <header className="likers-dialog__head">
          <h2 id={titleId} className="likers-dialog__title">
            Likes <span className="likers-dialog__count">{formatLikes(likeCount)}</span>
          </h2>
          <button type="button" className="icon-button" data-testid="likers-close" aria-label="Close" onClick={close}>
            <CloseIcon size={18} />
          </button>
        </header>
        <div className="likers-dialog__body">
          {list === null && !error && <p className="likers-dialog__note">Loading…</p>}
          {list?.items.length === 0 && <p className="likers-dialog__note">No likes yet.</p>}
          {list && list.items.length > 0 && (
            <ul className="likers-list">
              {list.items.map(({ user }) => (
                <li key={user.id} className="likers-list__item" data-testid="liker" data-username={user.username}>
                  <UserLink user={user} avatarSize={40} />
                </li>
              ))}
            </ul>
          )}
          {error && (
            <p className="inline-error" role="status">
              {error}
            </p>
          )}
          {list?.nextCursor && (
            <div className="likers-dialog__more">
              <button
                type="button"
                className="button button--secondary"
                data-testid="likers-more"
                onClick={loadMore}
                disabled={loadingMore}
              >
                {loadingMore ? "Loading…" : "Load more"}
              </button>
            </div>
          )}
        </div>
      </div>
    </dialog>
  );
}
