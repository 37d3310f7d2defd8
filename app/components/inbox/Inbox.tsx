"use client";
// The inbox: likes on your photos, grouped by photo, newest first.
//
// Read state, chosen on purpose: opening the inbox does NOT mark anything read. New items stay
// highlighted so you can see what is new; "Mark all as read" clears them and the badge, and the
// badge then shows the server's count. Live notifications arriving while it is open are prepended.
import { useEffect, useMemo, useState } from "react";
import { api, describeApiError } from "@/app/lib/api-client";
import { groupByPost, mergeNewestFirst } from "@/app/lib/group-notifications";
import type { Notification, NotificationPage } from "@/types/api";
import { useNotificationCenter } from "../realtime/RealtimeProvider";
import { NotificationGroupItem } from "./NotificationGroupItem";

export function Inbox({ initialPage }: { initialPage: NotificationPage }) {
  const center = useNotificationCenter();
  const [items, setItems] = useState<Notification[]>(initialPage.items);
  const [cursor, setCursor] = useState<string | null>(initialPage.nextCursor);
  const [loadingMore, setLoadingMore] = useState(false);
  const [marking, setMarking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // What this page rendered is already on screen: never toast it. Then reconcile with the server,
    // so the badge agrees with this list even if the socket missed something while on another page.
    center.markSeen(initialPage.items.map((n) => n.id));
    const unsubscribe = center.onNewItems((added) => setItems((current) => mergeNewestFirst(current, added)));
    void center.catchUp();
    return unsubscribe;
  }, [center, initialPage]);

  const groups = useMemo(() => groupByPost(items), [items]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await api.listNotifications({ cursor });
      center.markSeen(page.items.map((n) => n.id));
      setItems((current) => mergeNewestFirst(current, page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }

  async function markAllRead() {
    setMarking(true);
    setError(null);
    try {
      await center.markAllRead(); // POST /api/notifications/read {"all":true}; sets the badge
      const now = new Date().toISOString();
      setItems((current) => current.map((n) => (n.readAt ? n : { ...n, readAt: now })));
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setMarking(false);
    }
  }

  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <div className="inbox__head">
        <h1 id="inbox-title">Notifications</h1>
        <button type="button" className="button button--ghost" data-testid="mark-all-read" onClick={() => void markAllRead()} disabled={marking}>
          {marking ? "Marking…" : "Mark all as read"}
        </button>
      </div>
      {error && (
        <p className="inline-error" role="status">
          {error}
        </p>
      )}
      {groups.length === 0 ? (
        <div className="empty-state">
          <p className="empty-state__title">Nothing yet</p>
          <p>When someone likes one of your photos, you&apos;ll see it here.</p>
        </div>
      ) : (
        <ul className="notification-list">
          {groups.map((group) => (
            <NotificationGroupItem key={group.postId} group={group} />
          ))}
        </ul>
      )}
      {cursor && (
        <div className="inbox__more">
          <button type="button" className="button button--secondary" data-testid="load-more" onClick={() => void loadMore()} disabled={loadingMore}>
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </section>
  );
}
