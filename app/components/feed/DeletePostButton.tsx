"use client";
// The author's "Delete" on their own photo, with a confirm step: a modal <dialog> (focus trapped,
// Esc cancels) that says what goes with the photo. Cancel has the focus when it opens, so Enter
// does not delete by accident. A 404 means it is gone already (another tab): that is done too.
import { useEffect, useId, useRef, useState } from "react";
import { api, ApiError, describeApiError } from "@/app/lib/api-client";
import "../social.css";

type Props = { postId: string; onDeleted: () => void };

export function DeletePostButton({ postId, onDeleted }: Props) {
  const [confirming, setConfirming] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={openerRef}
        type="button"
        className="button button--ghost post-card__delete"
        data-testid="delete-post"
        aria-haspopup="dialog"
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
      {confirming && (
        <ConfirmDelete
          postId={postId}
          onDeleted={onDeleted}
          onCancel={() => {
            setConfirming(false);
            openerRef.current?.focus();
          }}
        />
      )}
    </>
  );
}

function ConfirmDelete({ postId, onDeleted, onCancel }: Props & { onCancel: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const textId = useId();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
  }, []);

  const confirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      await api.deletePost(postId);
      onDeleted();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return onDeleted();
      setError(describeApiError(failure));
      setDeleting(false);
    }
  };

  return (
    <dialog
      ref={dialogRef}
      className="likers-dialog confirm-dialog"
      data-testid="delete-post-dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onClose={onCancel}
    >
      <div className="confirm-dialog__panel">
        <h2 id={titleId} className="likers-dialog__title">
          Delete this photo?
        </h2>
        <p id={textId}>Its likes go with it. This can&apos;t be undone.</p>
        {error && (
          <p className="inline-error" role="status">
            {error}
          </p>
        )}
        <div className="confirm-dialog__actions">
          <button
            ref={cancelRef}
            type="button"
            className="button button--secondary"
            data-testid="delete-post-cancel"
            onClick={() => dialogRef.current?.close()}
            disabled={deleting}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            data-testid="delete-post-confirm"
            onClick={() => void confirm()}
            disabled={deleting}
          >
            {deleting ? "Deleting…" : "Delete"}
          </button>
        </div>
      </div>
    </dialog>
  );
}
