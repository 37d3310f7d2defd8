"use client";
// The photo of a post. A double tap (or double click) likes it, never unlikes it, and a big heart
// plays over it. The heart button stays the accessible way to like; the image is not a button.
import { useEffect, useRef, useState, type PointerEvent } from "react";
import { DOUBLE_TAP_MS, isDoubleTap, type Tap } from "@/app/lib/double-tap";
import { HeartIcon } from "../icons";
import "../social.css";

const HEART_MS = 800; // the animation's length (social.css); a timer, since reduced motion skips animationend

type Props = { src: string; alt: string; eager: boolean; onDoubleTap: () => void };

export function PostPhoto({ src, alt, eager, onDoubleTap }: Props) {
  const lastTap = useRef<Tap | null>(null);
  const lastHandledAt = useRef(-Infinity);
  // Each double tap gets a new key, so a tap during the animation restarts it.
  const [burst, setBurst] = useState(0);

  useEffect(() => {
    if (burst === 0) return;
    const timer = setTimeout(() => setBurst(0), HEART_MS);
    return () => clearTimeout(timer);
  }, [burst]);

  const doubleTapped = (time: number) => {
    // Some mobile browsers follow a touch double tap with a dblclick of their own: one gesture, one like.
    if (time - lastHandledAt.current < DOUBLE_TAP_MS) return;
    lastHandledAt.current = time;
    onDoubleTap();
    setBurst((n) => n + 1);
  };

  // Touch and pen: told apart here (lib/double-tap.ts). A mouse has the browser's own dblclick,
  // which follows the system's double-click speed.
  const onPointerUp = (event: PointerEvent) => {
    if (event.pointerType === "mouse" || !event.isPrimary) return;
    const tap = { time: event.timeStamp, x: event.clientX, y: event.clientY };
    if (!isDoubleTap(lastTap.current, tap)) {
      lastTap.current = tap;
      return;
    }
    lastTap.current = null; // a third tap starts a new pair
    doubleTapped(event.timeStamp);
  };

  return (
    <div
      className="post-photo"
      data-testid="post-photo"
      onPointerUp={onPointerUp}
      onDoubleClick={(event) => doubleTapped(event.timeStamp)}
    >
      {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs, nothing to optimise */}
      <img
        className="post-card__image"
        src={src}
        alt={alt}
        width={1080}
        height={1080}
        loading={eager ? "eager" : "lazy"}
        decoding="async"
        draggable={false}
      />
      {burst > 0 && (
        <span key={burst} className="double-tap-heart" data-testid="double-tap-heart" aria-hidden="true">
          <HeartIcon filled size={96} />
        </span>
      )}
    </div>
  );
}
