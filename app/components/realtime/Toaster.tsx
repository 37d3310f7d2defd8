"use client";
// Toasts for new notifications, bottom right (top on phones). The region is aria-live="polite":
// screen readers read each new toast once, without interrupting. A toast opens the photo it is
// about, and so marks that notification read; the summary toast opens the inbox.
import Link from "next/link";
import { useEffect, useState } from "react";
import { postPath } from "@/shared/routes";
import type { Toast } from "@/app/lib/notification-center";
import { Avatar } from "../Avatar";
import { BellIcon, CloseIcon } from "../icons";
import { useNotificationCenter, useNotificationState } from "./RealtimeProvider";

const TOAST_MS = 6000;

export function Toaster() {
  const { toasts } = useNotificationState();
  const center = useNotificationCenter();
  return (
    <section className="toaster" aria-live="polite" aria-label="New notifications">
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} dismiss={center.dismissToast} />
      ))}
    </section>
  );
}

function ToastCard({ toast, dismiss }: { toast: Toast; dismiss: (id: string) => void }) {
  const center = useNotificationCenter();
  // Hovering or focusing a toast holds it on screen; leaving restarts the full delay.
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => dismiss(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [held, dismiss, toast.id]);
  const onDismiss = () => dismiss(toast.id);

  return (
    <div
      className="toast"
      data-testid="toast"
      data-kind={toast.kind}
      data-notification-id={toast.kind === "notification" ? toast.notification.id : undefined}
      data-post-id={toast.kind === "notification" ? toast.notification.post.id : undefined}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      {toast.kind === "notification" ? (
        <Link
          href={postPath(toast.notification.post.id)}
          className="toast__body"
          onClick={() => {
            onDismiss();
            center.markRead([toast.notification.id]).catch(() => undefined);
          }}
        >
          <Avatar user={toast.notification.actor} size={36} />
          <span className="toast__text">
            <strong>{toast.notification.actor.username}</strong> liked your photo
          </span>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img className="toast__thumb" src={toast.notification.post.imageUrl} alt="" width={40} height={40} />
        </Link>
      ) : (
        <Link href="/notifications" className="toast__body" onClick={onDismiss}>
          <span className="toast__icon">
            <BellIcon size={20} />
          </span>
          <span className="toast__text">
            <strong>{toast.count} new notifications</strong> while you were away
          </span>
        </Link>
      )}
      <button type="button" className="toast__close" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon />
      </button>
    </div>
  );
}
