"use client";
// Posting a photo: pick a file, see it, write a caption, share. The server checks the file by its
// content (server/photo.ts) and is the one that decides; this form only catches what it can say
// sooner (no file, too large) and shows the server's own sentence for anything else.
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { ApiError, api, describeApiError } from "@/app/lib/api-client";
import { PHOTO_ACCEPT, MAX_CAPTION_CHARS, MAX_PHOTO_BYTES, MAX_PHOTO_LABEL, formatBytes } from "@/shared/photo-limits";

export function NewPostForm() {
  const router = useRouter();
  // The chosen file and its preview, a blob: URL (the page's CSP allows blob: images), freed when
  // another file is chosen or the form goes away.
  const [chosen, setChosen] = useState<{ file: File; previewUrl: string } | null>(null);
  const previewRef = useRef<string | null>(null);
  const [caption, setCaption] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const captionCountId = useId();
  const captionLength = [...caption].length;

  useEffect(() => () => void (previewRef.current && URL.revokeObjectURL(previewRef.current)), []);

  function choose(file: File | null) {
    if (previewRef.current) URL.revokeObjectURL(previewRef.current);
    previewRef.current = file ? URL.createObjectURL(file) : null;
    setChosen(file && previewRef.current ? { file, previewUrl: previewRef.current } : null);
  }

  function onFileChange(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0] ?? null;
    setError(null);
    if (file && file.size > MAX_PHOTO_BYTES) {
      setError(`That photo is ${formatBytes(file.size)}; photos can be up to ${MAX_PHOTO_LABEL}.`);
      choose(null);
      event.target.value = "";
      return;
    }
    choose(file);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen) {
      setError("Choose a photo first.");
      return;
    }
    setPending(true);
    setError(null);
    const form = new FormData();
    form.set("photo", chosen.file);
    form.set("caption", caption);
    try {
      await api.createPost(form);
      // Stay pending: the feed is about to open with the new photo on top.
      router.push("/");
      router.refresh();
    } catch (failure) {
      setPending(false);
      setError(
        failure instanceof ApiError && failure.status === 413
          ? `Photos can be up to ${MAX_PHOTO_LABEL}.`
          : describeApiError(failure),
      );
    }
  }

  return (
    <form className="new-post-form" onSubmit={onSubmit} aria-busy={pending} data-testid="new-post-form">
      <label className="photo-picker" data-has-photo={chosen ? "true" : undefined}>
        {chosen && (
          // eslint-disable-next-line @next/next/no-img-element -- a local blob: preview
          <img
            className="photo-picker__preview"
            src={chosen.previewUrl}
            alt="The photo you chose"
            data-testid="photo-preview"
          />
        )}
        <span className={chosen ? "photo-picker__change" : "photo-picker__prompt"}>
          {chosen ? "Choose another photo" : `Choose a photo — JPEG, PNG or WebP, up to ${MAX_PHOTO_LABEL}`}
        </span>
        <input
          className="photo-picker__input"
          type="file"
          name="photo"
          accept={PHOTO_ACCEPT}
          onChange={onFileChange}
          disabled={pending}
          data-testid="photo-input"
        />
      </label>

      <label className="field">
        <span className="field__label">Caption</span>
        <textarea
          className="field__input field__input--multiline"
          name="caption"
          rows={3}
          value={caption}
          onChange={(e) => setCaption(e.target.value)}
          disabled={pending}
          aria-describedby={captionCountId}
          aria-invalid={captionLength > MAX_CAPTION_CHARS || undefined}
          data-testid="caption-input"
        />
        <span id={captionCountId} className="field__hint" data-over={captionLength > MAX_CAPTION_CHARS || undefined}>
          {captionLength.toLocaleString("en")} / {MAX_CAPTION_CHARS.toLocaleString("en")}
        </span>
      </label>

      {error && (
        <p className="signin-error" data-testid="post-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="submit"
        className="button button--primary button--block"
        disabled={pending || captionLength > MAX_CAPTION_CHARS}
        data-testid="share-button"
      >
        {pending && <span className="spinner" aria-hidden="true" />}
        {pending ? "Posting…" : "Share"}
      </button>
    </form>
  );
}
