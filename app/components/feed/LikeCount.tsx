"use client";
// "N likes" under a photo. With at least one like it is a button that opens the list of likers;
// at zero there is nobody to list, so it is plain text.
import type { Ref } from "react";
import { formatLikes } from "@/app/lib/format";

type Props = { count: number; onOpenLikers: () => void; ref?: Ref<HTMLButtonElement> };

export function LikeCount({ count, onOpenLikers, ref }: Props) {
  const text = formatLikes(count);
  const value = (
    <span className="like-count" data-testid="like-count" data-count={count}>
      {text}
    </span>
  );
  if (count === 0) return value;
  return (
    <button
      ref={ref}
      type="button"
      className="likers-button"
      data-testid="likers-button"
      aria-haspopup="dialog"
      // Starts with the visible text, so voice control users can say what they see.
      aria-label={`${text}: see who liked this`}
      onClick={onOpenLikers}
    >
      {value}
    </button>
  );
}
