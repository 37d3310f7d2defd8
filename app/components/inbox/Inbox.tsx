"use client";
// The inbox: likes on your photos, one row per photo, under Today / This week / Earlier.
//
// Read state, chosen on purpose (docs/ui.md): opening the inbox clears the bell's badge, but does
// NOT mark anything read. New items stay highlighted until you open them (a row leads to its
// photo and marks that row read), or until "Mark all as read". While the inbox is on screen,
// arrivals appear in place instead of as toasts, and an unliked photo's row loses that person (or
// leaves) at once.
import { useEffect, useMemo, useState } from "react";
import { api, describeApiError } from "@/app/lib/api-client";
import { bySection, groupByPost, mergeNewestFirst, type NotificationGroup } from "@/app/lib/group-notifications";
import { useNow } from "@/app/lib/use-now";
import type { Notification, NotificationPage } from "@/shared/api";
import { useNotificationCenter } from "../realtime/RealtimeProvider";
import { NotificationGroupItem } from "./NotificationGroupItem";

export function Inbox({ initialPage }: { initialPage: NotificationPage }) {
  const center = useNotificationCenter();
  const now = useNow();
  const [items, setItems] = useState<Notification[]>(() => initialPage.items.filter((n) => !center.isRetracted(n.id)));
  const [cursor, setCursor] = useState<string | null>(initialPage.nextCursor);
  const [loadingMore, setLoadingMore] = useState(false);
  const [marking, setMarking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // What this page rendered is already on screen: never toast it. While mounted the inbox is
    // open (badge cleared, no toasts). Then reconcile with the server, so this list and the
    // counts agree even if the socket missed something while on another page.
    center.markKnown(initialPage.items);
    const close = center.openInbox();
    const unsubscribe = center.onItems({
      added: (added) => setItems((current) => mergeNewestFirst(current, added)),
      removed: (ids) => setItems((current) => current.filter((n) => !ids.includes(n.id))),
    });
    void center.catchUp();
    return () => {
      unsubscribe();
      close();
    };
  }, [center, initialPage]);

  const groups = useMemo(() => groupByPost(items), [items]);
  // Headings need the viewer's clock and time zone: rendered once hydrated (useNow is null on the
  // server and during hydration), so the server's HTML and the first client render agree.
  const sections = now === null ? [{ section: null, groups }] : bySection(groups, new Date(now));

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await api.listNotifications({ cursor });
      center.markKnown(page.items);
      setItems((current) =>
        mergeNewestFirst(
          current,
          page.items.filter((n) => !center.isRetracted(n.id)),
        ),
      );
      setCursor(page.nextCursor);
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }

  function markLocallyRead(ids: Set<string> | null) {
    const at = new Date().toISOString();
    setItems((current) => current.map((n) => (n.readAt || (ids && !ids.has(n.id)) ? n : { ...n, readAt: at })));
  }

  /** Opening a row (it links to the photo) marks its notifications read. */
  function opened(group: NotificationGroup) {
    const unread = group.items.filter((n) => !n.readAt).map((n) => n.id);
    if (unread.length === 0) return;
    markLocallyRead(new Set(unread));
    center.markRead(unread).catch(() => undefined); // kept alive across the navigation; a catch-up corrects a failure
  }

  async function markAllRead() {
    setMarking(true);
    setError(null);
    try {
      await center.markAllRead(); // POST /api/notifications/read {"all":true}
      markLocallyRead(null);
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
        <button
          type="button"
          className="button button--ghost"
          data-testid="mark-all-read"
          onClick={() => void markAllRead()}
          disabled={marking}
        >
          {marking ? "Marking…" : "Mark all as read"}
        </button>
      </div>
      {error && (
        <p className="inline-error" role="status">
          {error}
        </p>
      )}
      {groups.length === 0 ? (
        <div className="empty-state" data-testid="inbox-empty">
          <p className="empty-state__title">Nothing yet</p>
          <p>When someone likes one of your photos, you&apos;ll see it here.</p>
        </div>
      ) : (
        sections.map(({ section, groups: inSection }) => (
          <section
            key={section ?? "all"}
            className="inbox__section"
            data-testid="inbox-section"
            data-section={section ?? undefined}
            aria-label={section ?? undefined}
          >
            {section && <h2 className="inbox__section-title">{section}</h2>}
            <ul className="notification-list">
              {inSection.map((group) => (
                <NotificationGroupItem key={group.postId} group={group} onOpen={opened} />
              ))}
            </ul>
          </section>
        ))
      )}
      {cursor && (
        <div className="inbox__more">
          <button
            type="button"
            className="button button--secondary"
            data-testid="load-more"
            onClick={() => void loadMore()}
            disabled={loadingMore}
          >
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </section>
  );
}
