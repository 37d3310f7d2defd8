"use client";
// Live notifications for the signed-in user. One Socket.IO connection per tab, same origin
// (path /socket.io/), authenticated by the session cookie. It feeds the NotificationCenter:
//   hello                  -> connected (and which app instance answered), then a catch-up read
//   notification           -> a new inbox item: badge +1, a toast (unless the server says quiet,
//                             or the inbox is on screen), added to the inbox if it is open
//   notification:retracted -> its like was undone: the item leaves the inbox and the counts drop
//   post:likes             -> a watched post's count (PostWatchers, usePostLikes)
//   resync                 -> the server's Redis link came back after an outage: catch up
//   disconnect             -> disconnected; socket.io-client reconnects by itself, and the next
//                             hello catches up on whatever was pushed meanwhile. Closed by the
//                             server: the session was signed out, so off to sign-in
// Returning to the tab also catches up: browsers throttle or drop sockets in background tabs.
// Event names: types/realtime-events.ts.
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { io } from "socket.io-client";
import { api } from "@/app/lib/api-client";
import { signInUrl } from "@/app/lib/callback-url";
import { NotificationCenter, type CenterSnapshot } from "@/app/lib/notification-center";
import { PostWatchers, type PostLikesListener } from "@/app/lib/post-watchers";
import type { InboxCounts, Notification, NotificationDelivery, NotificationRetraction } from "@/types/api";
import { REALTIME_EVENTS } from "@/types/realtime-events";

const NotificationCenterContext = createContext<NotificationCenter | null>(null);
const PostWatchersContext = createContext<PostWatchers | null>(null);

type Props = {
  /** The server's counts and its newest inbox items (id and time) when the page was rendered. */
  initial: InboxCounts & { items: Pick<Notification, "id" | "createdAt">[] };
  children: ReactNode;
};

export function RealtimeProvider({ initial, children }: Props) {
  const [center] = useState(
    () =>
      new NotificationCenter(initial, {
        fetchLatest: () => api.listNotifications({ limit: 50 }),
        markRead: (which) => api.markNotificationsRead(which),
        markSeen: () => api.markNotificationsSeen(),
      }),
  );

  const [postWatchers] = useState(() => new PostWatchers());
  const router = useRouter();

  useEffect(() => {
    /** Sends a signed-out visitor to sign-in (and back here after); otherwise runs `stillSignedIn`. */
    const onSessionMaybeEnded = async (stillSignedIn: () => void) => {
      const session = (await fetch("/api/auth/session").then((r) => r.json()).catch(() => null)) as { user?: unknown } | null;
      if (session && !session.user) {
        router.replace(signInUrl(window.location.pathname + window.location.search));
      } else {
        stillSignedIn();
      }
    };
    const socket = io({ transports: ["websocket"], withCredentials: true });
    const unbindPostWatchers = postWatchers.bind(socket);

    // Every connect, the first one included: the first closes the gap between this page's server
    // render and the socket joining the user's room; later ones fill what was missed while offline.
    socket.on(REALTIME_EVENTS.hello, (hello: { instance?: unknown }) => {
      center.connected(typeof hello?.instance === "string" ? hello.instance : null);
      void center.catchUp();
    });
    socket.on(REALTIME_EVENTS.notification, (payload: unknown, delivery?: Partial<NotificationDelivery>) => {
      if (isNotification(payload)) center.receive(payload, { toast: delivery?.toast !== false });
    });
    socket.on(REALTIME_EVENTS.retraction, (payload: Partial<NotificationRetraction> | null) => {
      if (typeof payload?.id === "string") center.retract(payload.id);
    });
    // The server lost Redis for a while: pushes may have been missed even though this socket
    // stayed connected, so read the inbox again.
    socket.on(REALTIME_EVENTS.resync, () => void center.catchUp());
    // The server closes (or refuses) a socket itself only when its session has ended: signed out
    // here, in another tab, or in another browser holding a copy of the cookie. Then socket.io
    // does not reconnect; check the session and, if it is gone, go to sign-in.
    socket.on("disconnect", (reason) => {
      center.disconnected();
      if (reason === "io server disconnect") void onSessionMaybeEnded(() => socket.connect());
    });
    socket.on("connect_error", (error) => {
      center.disconnected();
      if (error.message === "unauthenticated") void onSessionMaybeEnded(() => undefined);
    });

    const onVisibilityChange = () => {
      if (document.visibilityState === "visible") void center.catchUp();
    };
    document.addEventListener("visibilitychange", onVisibilityChange);

    return () => {
      document.removeEventListener("visibilitychange", onVisibilityChange);
      unbindPostWatchers();
      socket.disconnect();
      center.disconnected();
    };
  }, [center, postWatchers, router]);

  return (
    <NotificationCenterContext value={center}>
      <PostWatchersContext value={postWatchers}>{children}</PostWatchersContext>
    </NotificationCenterContext>
  );
}

/**
 * Calls `onChange` with a post's like count each time someone likes or unlikes it, while the
 * calling component is mounted; with null after a reconnect (re-read it: changes were missed).
 * `onChange` should be stable (useCallback).
 */
export function usePostLikes(postId: string, onChange: PostLikesListener): void {
  const watchers = use(PostWatchersContext);
  useEffect(() => watchers?.watch(postId, onChange), [watchers, postId, onChange]);
}

function isNotification(value: unknown): value is Notification {
  const n = value as Partial<Notification> | null;
  return typeof n?.id === "string" && typeof n.actor?.username === "string" && typeof n.post?.id === "string";
}

export function useNotificationCenter(): NotificationCenter {
  const center = use(NotificationCenterContext);
  if (!center) throw new Error("useNotificationCenter needs a <RealtimeProvider> above it");
  return center;
}

export function useNotificationState(): CenterSnapshot {
  const center = useNotificationCenter();
  return useSyncExternalStore(center.subscribe, center.getSnapshot, center.getSnapshot);
}
