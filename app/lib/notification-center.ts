// The browser's notification state for the signed-in user: unread count, connection state, the
// toasts on screen, and the set of notification ids already seen.
//
// Notifications reach it three ways, and the seen-id set makes them one stream where nothing shows
// twice (the server delivers at-least-once, and the three overlap):
//   1. the server-rendered inbox page that seeded it (seedIds),
//   2. live `notification` events on the socket (receive),
//   3. catch-up reads of GET /api/notifications after a (re)connect or when the tab is shown again
//      (catchUp), which fill whatever was pushed while the socket was down.
//
// Framework-free: the React provider (components/realtime/RealtimeProvider.tsx) wires the socket to
// it and reads it through useSyncExternalStore.
import type { Notification, NotificationPage } from "@/types/api";

export type ConnectionState = "connected" | "disconnected";

export type Toast =
  | { id: string; kind: "notification"; notification: Notification }
  | { id: string; kind: "summary"; count: number };

export type CenterSnapshot = {
  unreadCount: number;
  connection: ConnectionState;
  /** The app instance the socket reached (from the server's `hello`), or null before the first one. */
  instance: string | null;
  toasts: Toast[];
};

/** Catch-up shows at most this many individual toasts, then one summary toast. */
const CATCH_UP_TOASTS = 3;
const MAX_VISIBLE_TOASTS = 5;

export class NotificationCenter {
  private readonly seen = new Set<string>();
  private state: CenterSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly itemListeners = new Set<(items: Notification[]) => void>();

  // Catch-up runs one at a time; a request made while one runs schedules exactly one more.
  private catchUpRunning = false;
  private catchUpAgain = false;
  /** Live events that arrive while a catch-up request is in flight (its answer may predate them). */
  private liveDuringCatchUp: Notification[] | null = null;
  /** Bumped by markAllRead, so a catch-up answer computed before it cannot restore an old count. */
  private readEpoch = 0;
  private summaryToastCount = 0;

  constructor(
    initial: { unreadCount: number; seenIds: string[] },
    private readonly fetchLatest: () => Promise<NotificationPage>,
    private readonly postMarkAllRead: () => Promise<{ unreadCount: number }>,
  ) {
    for (const id of initial.seenIds) this.seen.add(id);
    this.state = { unreadCount: initial.unreadCount, connection: "disconnected", instance: null, toasts: [] };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CenterSnapshot => this.state;

  /** Called with every notification not seen before, newest first (the inbox prepends them). */
  onNewItems(listener: (items: Notification[]) => void): () => void {
    this.itemListeners.add(listener);
    return () => this.itemListeners.delete(listener);
  }

  connected(instance: string | null): void {
    this.update({ connection: "connected", instance: instance ?? this.state.instance });
  }

  disconnected(): void {
    if (this.state.connection !== "disconnected") this.update({ connection: "disconnected" });
  }

  /** A live `notification` event from the socket. */
  receive(notification: Notification): void {
    if (this.seen.has(notification.id)) return; // a redelivery
    this.seen.add(notification.id);
    this.liveDuringCatchUp?.push(notification);
    this.emitItems([notification]);
    this.update({
      unreadCount: this.state.unreadCount + (notification.readAt ? 0 : 1),
      toasts: this.withToasts([{ id: notification.id, kind: "notification", notification }]),
    });
  }

  /** Ids the inbox page loaded itself: already on screen, so never toast them later. */
  markSeen(ids: Iterable<string>): void {
    for (const id of ids) this.seen.add(id);
  }

  /** Re-reads the newest notifications and merges what this tab has not seen. */
  async catchUp(): Promise<void> {
    if (this.catchUpRunning) {
      this.catchUpAgain = true;
      return;
    }
    this.catchUpRunning = true;
    try {
      do {
        this.catchUpAgain = false;
        await this.catchUpOnce();
      } while (this.catchUpAgain);
    } finally {
      this.catchUpRunning = false;
    }
  }

  private async catchUpOnce(): Promise<void> {
    const epoch = this.readEpoch;
    const liveMeanwhile: Notification[] = [];
    this.liveDuringCatchUp = liveMeanwhile;
    let page: NotificationPage;
    try {
      page = await this.fetchLatest();
    } catch {
      return; // offline or signed out: the next reconnect or visibility change tries again
    } finally {
      this.liveDuringCatchUp = null;
    }

    const fresh = page.items.filter((n) => !this.seen.has(n.id));
    for (const n of fresh) this.seen.add(n.id);
    if (fresh.length > 0) this.emitItems(fresh);

    const patch: Partial<CenterSnapshot> = {};
    if (epoch === this.readEpoch) {
      // The server's count is authoritative; add the pushes that arrived after it answered.
      const inPage = new Set(page.items.map((n) => n.id));
      const newer = liveMeanwhile.filter((n) => !n.readAt && !inPage.has(n.id)).length;
      patch.unreadCount = page.unreadCount + newer;
    } else {
      this.catchUpAgain = true; // "mark all read" happened meanwhile: this count is stale
    }

    const missed = fresh.filter((n) => !n.readAt);
    if (missed.length > 0) {
      const toasts: Toast[] = missed.slice(0, CATCH_UP_TOASTS).map((n) => ({ id: n.id, kind: "notification", notification: n }));
      if (missed.length > CATCH_UP_TOASTS) {
        this.summaryToastCount += 1;
        toasts.push({ id: `summary-${this.summaryToastCount}`, kind: "summary", count: missed.length });
      }
      patch.toasts = this.withToasts(toasts);
    }
    this.update(patch);
  }

  /** POST /api/notifications/read {"all":true}; resolves with the server's new unread count. */
  async markAllRead(): Promise<number> {
    this.readEpoch += 1;
    const { unreadCount } = await this.postMarkAllRead();
    this.update({ unreadCount });
    return unreadCount;
  }

  dismissToast = (id: string): void => {
    this.update({ toasts: this.state.toasts.filter((t) => t.id !== id) });
  };

  private withToasts(added: Toast[]): Toast[] {
    return [...this.state.toasts, ...added].slice(-MAX_VISIBLE_TOASTS);
  }

  private emitItems(items: Notification[]): void {
    for (const listener of this.itemListeners) listener(items);
  }

  private update(patch: Partial<CenterSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
