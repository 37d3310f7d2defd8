"use client";
// The bell in the header. Its badge counts what arrived since the inbox was last opened (unread
// notifications the user has not been shown); opening the inbox clears it, while each item stays
// marked new until it is opened itself.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { BellIcon } from "../icons";
import { useNotificationState } from "../realtime/RealtimeProvider";

export function NotificationBell() {
  const { unseenCount } = useNotificationState();
  const onInbox = usePathname() === "/notifications";
  return (
    <Link
      href="/notifications"
      className="icon-button bell"
      data-testid="notification-bell"
      aria-label={unseenCount > 0 ? `Notifications, ${unseenCount} new` : "Notifications"}
      aria-current={onInbox ? "page" : undefined}
    >
      <BellIcon />
      {unseenCount > 0 && (
        <span className="badge" data-testid="unread-badge" data-count={unseenCount} aria-hidden="true">
          {unseenCount > 99 ? "99+" : unseenCount}
        </span>
      )}
    </Link>
  );
}
