"use client";
// The heart. A real toggle button: Enter/Space work, aria-pressed says whether it is on.
// It never waits for the server and is never disabled while a request runs: clicks go to the
// post's toggle queue (app/lib/like-toggle.ts), which decides what to send.
import { useState, type Ref } from "react";
import { HeartIcon } from "../icons";

export function LikeButton({
  liked,
  onToggle,
  ref,
}: {
  liked: boolean;
  onToggle: () => void;
  ref?: Ref<HTMLButtonElement>;
}) {
  // The pop animation plays on a click that likes, not when a liked post first renders.
  const [pop, setPop] = useState(false);
  return (
    <button
      ref={ref}
      type="button"
      className={pop ? "like-button like-button--pop" : "like-button"}
      data-testid="like-button"
      aria-pressed={liked}
      aria-label={liked ? "Unlike" : "Like"}
      onClick={() => {
        setPop(!liked);
        onToggle();
      }}
      onAnimationEnd={() => setPop(false)}
    >
      <HeartIcon filled={liked} />
    </button>
  );
}
