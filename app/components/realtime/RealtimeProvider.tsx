"use client";
// Live notifications for the signed-in user. One Socket.IO connection per tab, same origin
// (path /socket.io/), authenticated by the session cookie. It feeds the NotificationCenter:
//   hello                  -> connected (and which app instance answered), then a catch-up read
//   notification           -> a new inbox item: badge +1, a toast (unless the server says quiet,
//                             or the inbox is on screen), added to the inbox if it is open
//   notification:retracted -> its like was undone: the item leaves the inbox and the counts drop
//   post:likes             -> a watched post's count (PostWatchers, usePostLikes)
//   post:new               -> someone posted a photo: the feed's "new posts" pill (NewPosts, useNewPosts)
//   resync                 -> the server's Redis link came back after an outage: catch up
//   journey:hops           -> more hops of a like this user sent, for the journey panel
//   connect                -> also asks the server's clock (`clock`), to time the socket hop
//   disconnect             -> disconnected; socket.io-client reconnects by itself, and the next
//                             hello catches up on whatever was pushed meanwhile. Closed by the
//                             server: the session was signed out, so off to sign-in
// Returning to the tab also catches up: browsers throttle or drop sockets in background tabs.
// A notification or retraction carries its like's journey: this browser adds the socket and render
// hops, shows them in the journey panel, and reports them (`journey:delivered`) for the liker's.
// Event names: shared/realtime-events.ts.
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { io } from "socket.io-client";
import { api } from "@/app/lib/api-client";
import { signInUrl } from "@/shared/routes";
import { ClockOffset, clockSample, socketHopMs } from "@/app/lib/journey/clock";
import { JourneyStoreContext } from "@/app/lib/journey/context";
import { JourneyStore } from "@/app/lib/journey/store";
import { parseDeliveredJourney, parseJourneyHopsEvent } from "@/app/lib/journey/trace";
import { NewPosts, type NewPostListener } from "@/app/lib/new-posts";
import { NotificationCenter, type CenterSnapshot } from "@/app/lib/notification-center";
import { PostWatchers, type PostLikesListener } from "@/app/lib/post-watchers";
import type { InboxCounts, Notification, NotificationDelivery, NotificationRetraction } from "@/shared/api";
import type { ClockAnswer, DeliveredJourney, JourneyDeliveredReport } from "@/shared/journey";
import { REALTIME_EVENTS } from "@/shared/realtime-events";

/** Clock questions per connection; the one with the shortest round trip is kept. */
const CLOCK_SAMPLES = 3;
const CLOCK_TIMEOUT_MS = 5000;
/**
 * The heartbeat: socket.io notices a silently dead connection only after its ping interval and
 * timeout (25 s + 20 s). A tiny acknowledged message every 2 s, answered within 3 s, notices it in
 * about 5 s; the socket is then closed so socket.io starts reconnecting, and the banner shows.
 */
const HEARTBEAT_INTERVAL_MS = 2000;
const HEARTBEAT_TIMEOUT_MS = 3000;
/** Who liked what, by notification id, for naming a retraction's journey (it carries only the id). */
const REMEMBERED_ACTORS = 200;

const NotificationCenterContext = createContext<NotificationCenter | null>(null);
const PostWatchersContext = createContext<PostWatchers | null>(null);
const NewPostsContext = createContext<NewPosts | null>(null);

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
  const [newPosts] = useState(() => new NewPosts());
  const [journeys] = useState(() => new JourneyStore());
  const [clock] = useState(() => new ClockOffset());
  const router = useRouter();

  useEffect(() => {
    /** Sends a signed-out visitor to sign-in (and back here after); otherwise runs `stillSignedIn`. */
    const onSessionMaybeEnded = async (stillSignedIn: () => void) => {
      const session = (await fetch("/api/auth/session")
        .then((r) => r.json())
        .catch(() => null)) as { user?: unknown } | null;
      if (session && !session.user) {
        router.replace(signInUrl(window.location.pathname + window.location.search));
      } else {
        stillSignedIn();
      }
    };
    const socket = io({ transports: ["websocket"], withCredentials: true });
    const unbindPostWatchers = postWatchers.bind(socket);
    const unbindNewPosts = newPosts.bind(socket);

    // Each connection may reach another server: ask its clock again.
    const syncClock = async () => {
      clock.reset();
      for (let i = 0; i < CLOCK_SAMPLES && socket.connected; i++) {
        const t0 = Date.now();
        try {
          const answer = (await socket
            .timeout(CLOCK_TIMEOUT_MS)
            .emitWithAck(REALTIME_EVENTS.clock)) as Partial<ClockAnswer> | null;
          if (typeof answer?.now === "number") clock.add(clockSample(t0, answer.now, Date.now()));
        } catch {
          return; // no answer in time: the socket hop falls back to comparing the clocks as they are
        }
      }
    };
    socket.on("connect", () => void syncClock());

    const actors = new Map<string, { actor: string; postId: string }>();
    const rememberActors = (items: Notification[]) => {
      for (const n of items) actors.set(n.id, { actor: n.actor.username, postId: n.post.id });
      for (const id of actors.keys()) {
        if (actors.size <= REMEMBERED_ACTORS) break;
        actors.delete(id);
      }
    };
    const stopRememberingActors = center.onNewItems(rememberActors);

    /**
     * The owner's side of a journey: the socket hop (the worker's emit to now, across the two
     * clocks) and the render hop (the event to the screen updated: the frame after React applied
     * it), shown here and reported once for the liker's panel. receivedAt: performance.now().
     */
    const journeyArrived = (
      journey: DeliveredJourney,
      about: { liked: boolean; postId: string | null; actor: string | null },
      receivedAt: number,
      receivedAtWall: number,
    ) => {
      const { traceId } = journey;
      const socketMs = socketHopMs(journey.emittedAt, receivedAtWall, clock);
      const isNew = journeys.delivered({
        traceId,
        liked: about.liked,
        postId: about.postId,
        counterpart: about.actor,
        hops: journey.hops,
      });
      if (!isNew) return; // a second copy of the event: the first one was measured
      journeys.measured(traceId, { socket: socketMs });
      afterNextPaint(() => {
        const render = performance.now() - receivedAt;
        journeys.measured(traceId, { render });
        const report: JourneyDeliveredReport = { traceId, socket: socketMs, render };
        socket.emit(REALTIME_EVENTS.journeyDelivered, report);
      });
    };

    // Every connect, the first one included: the first closes the gap between this page's server
    // render and the socket joining the user's room; later ones fill what was missed while offline.
    socket.on(REALTIME_EVENTS.hello, (hello: { instance?: unknown }) => {
      center.connected(typeof hello?.instance === "string" ? hello.instance : null);
      void center.catchUp();
    });
    socket.on(REALTIME_EVENTS.notification, (payload: unknown, delivery?: Partial<NotificationDelivery>) => {
      const receivedAt = performance.now();
      const receivedAtWall = Date.now();
      if (!isNotification(payload)) return;
      rememberActors([payload]);
      center.receive(payload, { toast: delivery?.toast !== false });
      const journey = parseDeliveredJourney(delivery?.journey);
      if (journey)
        journeyArrived(
          journey,
          { liked: true, postId: payload.post.id, actor: payload.actor.username },
          receivedAt,
          receivedAtWall,
        );
    });
    socket.on(
      REALTIME_EVENTS.retraction,
      (payload: Partial<NotificationRetraction> | null, delivery?: Partial<NotificationDelivery>) => {
        const receivedAt = performance.now();
        const receivedAtWall = Date.now();
        if (typeof payload?.id !== "string") return;
        const about = actors.get(payload.id);
        center.retract(payload.id);
        const journey = parseDeliveredJourney(delivery?.journey);
        if (journey)
          journeyArrived(
            journey,
            { liked: false, postId: about?.postId ?? null, actor: about?.actor ?? null },
            receivedAt,
            receivedAtWall,
          );
      },
    );
    // More hops of a like this user sent (from this tab or another).
    socket.on(REALTIME_EVENTS.journeyHops, (payload: unknown) => {
      const event = parseJourneyHopsEvent(payload);
      if (event) journeys.hopsArrived(event);
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

    // The server's `clock` event doubles as the heartbeat: it answers at once and changes nothing.
    // Only in a visible tab (background tabs' timers are throttled, and the tab catches up on
    // return anyway), and one at a time.
    let heartbeatPending = false;
    const heartbeat = setInterval(() => {
      if (heartbeatPending || !socket.connected || document.visibilityState !== "visible") return;
      heartbeatPending = true;
      socket
        .timeout(HEARTBEAT_TIMEOUT_MS)
        .emitWithAck(REALTIME_EVENTS.clock)
        .catch(() => {
          // No answer: the connection is dead even if the browser has not noticed. Closing the
          // transport makes socket.io report the disconnect and reconnect on its own.
          if (socket.connected) socket.io.engine?.close();
        })
        .finally(() => (heartbeatPending = false));
    }, HEARTBEAT_INTERVAL_MS);

    return () => {
      clearInterval(heartbeat);
      document.removeEventListener("visibilitychange", onVisibilityChange);
      stopRememberingActors();
      unbindPostWatchers();
      unbindNewPosts();
      socket.disconnect();
      center.disconnected();
    };
  }, [center, postWatchers, newPosts, journeys, clock, router]);

  return (
    <NotificationCenterContext value={center}>
      <PostWatchersContext value={postWatchers}>
        <NewPostsContext value={newPosts}>
          <JourneyStoreContext value={journeys}>{children}</JourneyStoreContext>
        </NewPostsContext>
      </PostWatchersContext>
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

/** Calls `onNewPost` for each photo someone posts while the calling component is mounted (stable callback). */
export function useNewPosts(onNewPost: NewPostListener): void {
  const newPosts = use(NewPostsContext);
  useEffect(() => newPosts?.subscribe(onNewPost), [newPosts, onNewPost]);
}

/**
 * Runs `fn` once the next frame has been painted: requestAnimationFrame fires just before the
 * paint, and a task queued from it runs just after. In a hidden tab frames wait until it is shown,
 * which is when the update really reaches the screen.
 */
function afterNextPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
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
