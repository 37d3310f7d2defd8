// The tab's one Socket.IO connection (same origin, path /socket.io/, authenticated by the session
// cookie) and what keeps it honest: a heartbeat that notices a silently dead connection, the
// sign-out the server signals by closing the socket, and the tab coming back from the background.
// What the socket carries is bound elsewhere: NotificationCenter.bind, PostWatchers.bind,
// NewPosts.bind and bindJourney (app/lib/journey/socket.ts). Event names: shared/realtime-events.ts.
import { io, type Socket } from "socket.io-client";
import { signInUrl } from "@/shared/routes";
import { REALTIME_EVENTS } from "@/shared/realtime-events";

/**
 * The heartbeat: socket.io notices a silently dead connection only after its ping interval and
 * timeout (25 s + 20 s). A tiny acknowledged message every 2 s, answered within 3 s, notices it in
 * about 5 s; the socket is then closed so socket.io starts reconnecting, and the banner shows.
 */
const HEARTBEAT_INTERVAL_MS = 2000;
const HEARTBEAT_TIMEOUT_MS = 3000;

export function connectSocket(): Socket {
  return io({ transports: ["websocket"], withCredentials: true });
}

const tabVisible = () => document.visibilityState === "visible";

/**
 * Sends the heartbeat; returns the function that stops. The server's `clock` event doubles as it:
 * it answers at once and changes nothing. Only in a visible tab (background tabs' timers are
 * throttled, and the tab catches up on return anyway), and one at a time.
 */
export function keepAlive(socket: Socket): () => void {
  let pending = false;
  const heartbeat = setInterval(() => {
    if (pending || !socket.connected || !tabVisible()) return;
    pending = true;
    socket
      .timeout(HEARTBEAT_TIMEOUT_MS)
      .emitWithAck(REALTIME_EVENTS.clock)
      .catch(() => {
        // No answer: the connection is dead even if the browser has not noticed. Closing the
        // transport makes socket.io report the disconnect and reconnect on its own.
        if (socket.connected) socket.io.engine?.close();
      })
      .finally(() => (pending = false));
  }, HEARTBEAT_INTERVAL_MS);
  return () => clearInterval(heartbeat);
}

/**
 * The server closes (or refuses) a socket itself only when its session has ended: signed out in
 * this tab, in another one, or in another browser holding a copy of the cookie. socket.io then
 * does not reconnect, so ask /api/auth/session: signed out, go to sign-in (and back here after);
 * still signed in, reconnect. Returns the function that stops.
 */
export function followSession(socket: Socket, router: { replace(href: string): void }): () => void {
  const checkSession = async (stillSignedIn: () => void) => {
    const session = (await fetch("/api/auth/session")
      .then((r) => r.json())
      .catch(() => null)) as { user?: unknown } | null;
    if (session && !session.user) {
      router.replace(signInUrl(window.location.pathname + window.location.search));
    } else {
      stillSignedIn();
    }
  };
  const onDisconnect = (reason: Socket.DisconnectReason) => {
    if (reason === "io server disconnect") void checkSession(() => socket.connect());
  };
  const onConnectError = (error: Error) => {
    if (error.message === "unauthenticated") void checkSession(() => undefined);
  };
  socket.on("disconnect", onDisconnect);
  socket.on("connect_error", onConnectError);
  return () => {
    socket.off("disconnect", onDisconnect);
    socket.off("connect_error", onConnectError);
  };
}

/**
 * Calls `listener` each time the tab is shown again: browsers throttle or drop sockets in
 * background tabs, so what was pushed meanwhile may be missing. Returns the function that stops.
 */
export function onTabShown(listener: () => void): () => void {
  const onVisibilityChange = () => {
    if (tabVisible()) listener();
  };
  document.addEventListener("visibilitychange", onVisibilityChange);
  return () => document.removeEventListener("visibilitychange", onVisibilityChange);
}
