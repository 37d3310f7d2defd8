// The browser's notification state for the signed-in user: the two counts, the connection state,
// the toasts on screen, and what this tab knows of the inbox.
//
// Notifications reach it three ways, and the known-id map makes them one stream where nothing
// shows twice (the server delivers at-least-once, and the three overlap):
//   1. the server-rendered page that seeded it (the newest inbox items),
//   2. live socket events: `notification` (a new item) and `notification:retracted` (its like was
//      undone: the item leaves, without a toast),
//   3. catch-up reads of GET /api/notifications after a (re)connect, a retraction, or when the tab
//      is shown again, which fill whatever was pushed while the socket was down and drop what was
//      retracted meanwhile.
// A retracted id is remembered: pushes can arrive out of order (two workers), and a late copy of
// a notification must not bring it back. A like after the unlike makes a new id.
//
// Counts: `unseenCount` is the bell's badge (unread items that arrived since the inbox was last
// opened); `unreadCount` counts every item not opened yet. Opening the inbox clears the first;
// opening an item (or "mark all as read") clears it from the second.
//
// Framework-free: bind() wires it to the tab's socket, and the React provider
// (components/realtime/RealtimeProvider.tsx) reads it through useSyncExternalStore.
import type { Socket } from "socket.io-client";
import type {
  InboxCounts,
  Notification,
  NotificationDelivery,
  NotificationPage,
  NotificationRetraction,
} from "@/shared/api";
import { REALTIME_EVENTS } from "@/shared/realtime-events";
import { coalesced } from "./coalesced";

export type ConnectionState = "connected" | "disconnected";

export type Toast =
  { id: string; kind: "notification"; notification: Notification } | { id: string; kind: "summary"; count: number };

export type CenterSnapshot = InboxCounts & {
  connection: ConnectionState;
  /** The app instance the socket reached (from the server's `hello`), or null before the first one. */
  instance: string | null;
  toasts: Toast[];
};

export type InboxServer = {
  fetchLatest(): Promise<NotificationPage>;
  markRead(which: { all: true } | { ids: string[] }): Promise<InboxCounts>;
  markSeen(): Promise<InboxCounts>;
};

type ItemsListener = { added(items: Notification[]): void; removed(ids: string[]): void };

/** Catch-up shows at most this many individual toasts, then one summary toast. */
const CATCH_UP_TOASTS = 3;
const MAX_VISIBLE_TOASTS = 5;

export class NotificationCenter {
  /** Every inbox item this tab has shown or been told of, with its createdAt. */
  private readonly known = new Map<string, string>();
  /** Ids whose like was undone: never shown again, whatever arrives late. */
  private readonly retracted = new Set<string>();
  /** Listed by a catch-up that left toasting to the push still on its way. */
  private readonly awaitingPush = new Set<string>();
  private state: CenterSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly itemListeners = new Set<ItemsListener>();
  /** How many inbox views are mounted: while one is, arrivals appear in place, not as toasts. */
  private inboxViews = 0;

  /** Whether the pending catch-up should toast what it finds (see catchUp). */
  private catchUpToasts = false;
  // Catch-up runs one at a time; a request made while one runs schedules exactly one more.
  private readonly runCatchUp = coalesced(async () => {
    const toasts = this.catchUpToasts;
    this.catchUpToasts = false;
    await this.catchUpOnce(toasts);
  });
  /** Live events that arrive while a catch-up request is in flight (its answer may predate them). */
  private liveDuringCatchUp: Notification[] | null = null;
  /** Bumped by every count change made here, so an older catch-up answer cannot restore a count. */
  private countsEpoch = 0;
  private summaryToastCount = 0;

  constructor(
    initial: InboxCounts & { items: Pick<Notification, "id" | "createdAt">[] },
    private readonly server: InboxServer,
  ) {
    for (const item of initial.items) this.known.set(item.id, item.createdAt);
    this.state = {
      unreadCount: initial.unreadCount,
      unseenCount: initial.unseenCount,
      connection: "disconnected",
      instance: null,
      toasts: [],
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CenterSnapshot => this.state;

  /**
   * Starts following a socket; returns the function that stops.
   *   hello                  -> connected (and which app instance answered), then a catch-up
   *   notification           -> receive(), with the server's toast decision
   *   notification:retracted -> retract()
   *   resync                 -> catch-up
   *   disconnect, connect_error -> disconnected (socket.io-client reconnects by itself; the next
   *                             hello catches up on whatever was pushed meanwhile)
   */
  bind(socket: Socket): () => void {
    // Every connect, the first one included: the first closes the gap between the page's server
    // render and the socket joining the user's room; later ones fill what was missed while offline.
    const onHello = (hello: { instance?: unknown } | null) => {
      this.connected(typeof hello?.instance === "string" ? hello.instance : null);
      void this.catchUp();
    };
    const onNotification = (payload: unknown, delivery?: Partial<NotificationDelivery>) => {
      if (isNotification(payload)) this.receive(payload, { toast: delivery?.toast !== false });
    };
    const onRetraction = (payload: Partial<NotificationRetraction> | null) => {
      if (typeof payload?.id === "string") this.retract(payload.id);
    };
    // The server lost Redis for a while: pushes may have been missed even though this socket
    // stayed connected, so read the inbox again.
    const onResync = () => void this.catchUp();
    const onDisconnected = () => this.disconnected();
    socket.on(REALTIME_EVENTS.hello, onHello);
    socket.on(REALTIME_EVENTS.notification, onNotification);
    socket.on(REALTIME_EVENTS.retraction, onRetraction);
    socket.on(REALTIME_EVENTS.resync, onResync);
    socket.on("disconnect", onDisconnected);
    socket.on("connect_error", onDisconnected);
    return () => {
      socket.off(REALTIME_EVENTS.hello, onHello);
      socket.off(REALTIME_EVENTS.notification, onNotification);
      socket.off(REALTIME_EVENTS.retraction, onRetraction);
      socket.off(REALTIME_EVENTS.resync, onResync);
      socket.off("disconnect", onDisconnected);
      socket.off("connect_error", onDisconnected);
    };
  }

  /** Items new to this tab (newest first) and ids retracted, for a list that shows them. */
  onItems(listener: ItemsListener): () => void {
    this.itemListeners.add(listener);
    return () => this.itemListeners.delete(listener);
  }

  /** Shorthand for a listener that only cares about arrivals. */
  onNewItems(added: (items: Notification[]) => void): () => void {
    return this.onItems({ added, removed: () => undefined });
  }

  connected(instance: string | null): void {
    this.update({ connection: "connected", instance: instance ?? this.state.instance });
  }

  disconnected(): void {
    if (this.state.connection !== "disconnected") this.update({ connection: "disconnected" });
  }

  /**
   * The inbox is on screen (until the returned function is called): arrivals appear in it rather
   * than as toasts, and the badge stays clear. Tells the server the inbox was seen.
   */
  openInbox(): () => void {
    this.inboxViews += 1;
    void this.markSeen();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.inboxViews -= 1;
    };
  }

  private get inboxOpen(): boolean {
    return this.inboxViews > 0;
  }

  /** A live `notification` event; `toast` false when the server asks for a quiet arrival. */
  receive(notification: Notification, delivery: { toast?: boolean } = {}): void {
    if (
      this.awaitingPush.delete(notification.id) &&
      delivery.toast !== false &&
      !notification.readAt &&
      !this.inboxOpen
    ) {
      // Already listed and counted by a catch-up that overtook this push: only the toast is left.
      this.update({ toasts: this.withToasts([{ id: notification.id, kind: "notification", notification }]) });
      return;
    }
    if (this.known.has(notification.id) || this.retracted.has(notification.id)) return; // a redelivery, or too late
    this.known.set(notification.id, notification.createdAt);
    this.liveDuringCatchUp?.push(notification);
    this.emitAdded([notification]);
    const unread = notification.readAt ? 0 : 1;
    const patch: Partial<CenterSnapshot> = {
      unreadCount: this.state.unreadCount + unread,
      unseenCount: this.inboxOpen ? 0 : this.state.unseenCount + unread,
    };
    if (this.inboxOpen)
      void this.markSeen(); // it arrived on screen: seen
    else if (delivery.toast !== false && unread)
      patch.toasts = this.withToasts([{ id: notification.id, kind: "notification", notification }]);
    this.update(patch);
  }

  /** A live `notification:retracted` event: the item leaves; the server's counts follow. */
  retract(id: string): void {
    if (this.retracted.has(id)) return;
    this.retracted.add(id);
    this.known.delete(id);
    this.awaitingPush.delete(id);
    this.emitRemoved([id]);
    this.update({ toasts: this.state.toasts.filter((t) => t.id !== id) });
    // Whether it was unread or unseen, the server knows. Connected all along, so anything new
    // that read finds is a push still on its way, with its own toast decision: no toasts here.
    void this.catchUp({ toastMissed: false });
  }

  /** Items a page loaded itself: already on screen, so never toast them later. */
  markKnown(items: Pick<Notification, "id" | "createdAt">[]): void {
    for (const item of items) if (!this.retracted.has(item.id)) this.known.set(item.id, item.createdAt);
  }

  isRetracted(id: string): boolean {
    return this.retracted.has(id);
  }

  /**
   * Re-reads the newest notifications, adds what this tab has not seen and drops what is gone.
   * toastMissed: toast the unread items found (after a reconnect, or coming back to the tab: they
   * were missed). Off when the socket stayed connected: the server decides those toasts.
   */
  catchUp({ toastMissed = true }: { toastMissed?: boolean } = {}): Promise<void> {
    this.catchUpToasts ||= toastMissed;
    return this.runCatchUp();
  }

  private async catchUpOnce(toastMissed: boolean): Promise<void> {
    const epoch = this.countsEpoch;
    const liveMeanwhile: Notification[] = [];
    this.liveDuringCatchUp = liveMeanwhile;
    let page: NotificationPage;
    try {
      page = await this.server.fetchLatest();
    } catch {
      return; // offline or signed out: the next reconnect or visibility change tries again
    } finally {
      this.liveDuringCatchUp = null;
    }

    const inPage = new Set(page.items.map((n) => n.id));
    const fresh = page.items.filter((n) => !this.known.has(n.id) && !this.retracted.has(n.id));
    for (const n of fresh) this.known.set(n.id, n.createdAt);
    if (fresh.length > 0) this.emitAdded(fresh);

    // Known items the page should contain but does not were retracted while we were not listening.
    // The page covers everything newer than its oldest item (everything, if it is the last page);
    // a live arrival newer than the answer is not in it yet, and stays.
    const oldest = page.nextCursor ? page.items.at(-1)?.createdAt : undefined;
    const liveIds = new Set(liveMeanwhile.map((n) => n.id));
    const gone = [...this.known]
      .filter(([id, createdAt]) => !inPage.has(id) && !liveIds.has(id) && (oldest === undefined || createdAt > oldest))
      .map(([id]) => id);
    for (const id of gone) {
      this.known.delete(id);
      this.retracted.add(id);
    }
    if (gone.length > 0) this.emitRemoved(gone);

    const patch: Partial<CenterSnapshot> = {};
    if (epoch === this.countsEpoch) {
      // The server's counts are authoritative; add the pushes that arrived after it answered.
      const newer = liveMeanwhile.filter((n) => !n.readAt && !inPage.has(n.id)).length;
      patch.unreadCount = page.unreadCount + newer;
      patch.unseenCount = this.inboxOpen ? 0 : page.unseenCount + newer;
    } else {
      void this.runCatchUp(); // counts changed here meanwhile: this answer is stale, read again
    }
    if (gone.length > 0) patch.toasts = this.state.toasts.filter((t) => !gone.includes(t.id));

    const missed = fresh.filter((n) => !n.readAt);
    if (!toastMissed) for (const n of missed) this.awaitingPush.add(n.id);
    if (missed.length > 0 && toastMissed && !this.inboxOpen) {
      const toasts: Toast[] = missed
        .slice(0, CATCH_UP_TOASTS)
        .map((n) => ({ id: n.id, kind: "notification", notification: n }));
      if (missed.length > CATCH_UP_TOASTS) {
        this.summaryToastCount += 1;
        toasts.push({ id: `summary-${this.summaryToastCount}`, kind: "summary", count: missed.length });
      }
      patch.toasts = this.withToasts(toasts, patch.toasts);
    }
    if (this.inboxOpen && fresh.length > 0) void this.markSeen();
    this.update(patch);
  }

  /** Opening items marks them read: POST /api/notifications/read {"ids":[…]}. */
  async markRead(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.applyCounts(this.server.markRead({ ids }));
  }

  /** POST /api/notifications/read {"all":true}. */
  async markAllRead(): Promise<void> {
    await this.applyCounts(this.server.markRead({ all: true }));
  }

  // One POST /api/notifications/seen at a time; arrivals during it ask for exactly one more.
  private readonly postSeen = coalesced(() => this.applyCounts(this.server.markSeen()).catch(() => undefined)); // the next catch-up corrects the badge

  private async markSeen(): Promise<void> {
    this.update({ unseenCount: 0 });
    await this.postSeen();
  }

  private async applyCounts(request: Promise<InboxCounts>): Promise<void> {
    this.countsEpoch += 1;
    const counts = await request;
    this.countsEpoch += 1;
    this.update({ unreadCount: counts.unreadCount, unseenCount: this.inboxOpen ? 0 : counts.unseenCount });
  }

  dismissToast = (id: string): void => {
    this.update({ toasts: this.state.toasts.filter((t) => t.id !== id) });
  };

  private withToasts(added: Toast[], base: Toast[] = this.state.toasts): Toast[] {
    return [...base, ...added].slice(-MAX_VISIBLE_TOASTS);
  }

  private emitAdded(items: Notification[]): void {
    for (const listener of this.itemListeners) listener.added(items);
  }

  private emitRemoved(ids: string[]): void {
    for (const listener of this.itemListeners) listener.removed(ids);
  }

  private update(patch: Partial<CenterSnapshot>): void {
    if (Object.keys(patch).length === 0) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** A `notification` event's payload, checked before the center trusts it. */
export function isNotification(value: unknown): value is Notification {
  const n = value as Partial<Notification> | null;
  return typeof n?.id === "string" && typeof n.actor?.username === "string" && typeof n.post?.id === "string";
}
