"use client";
// The bell in the header, with the live unread count.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { BellIcon } from "../icons";
import { useNotificationState } from "../realtime/RealtimeProvider";

export function NotificationBell() {
  const { unreadCount } = useNotificationState();
  const onInbox = usePathname() === "/notifications";
  return (
    <Link
      href="/notifications"
      className="icon-button bell"
      data-testid="notification-bell"
      aria-label={unreadCount > 0 ? `Notifications, ${unreadCount} unread` : "Notifications"}
      aria-current={onInbox ? "page" : undefined}
    >
      <BellIcon />
      {unreadCount > 0 && (
        <span className="badge" data-testid="unread-badge" data-count={unreadCount} aria-hidden="true">
          {unreadCount > 99 ? "99+" : unreadCount}
        </span>
      )}
    </Link>
  );
}
