// What the banner under the header says about the connection, if anything. Two sources, because
// neither is enough alone: the browser's online/offline events are instant but only know about the
// network interface, and the socket knows the server is unreachable but (without the heartbeat in
// RealtimeProvider) only after socket.io's 45 s ping timeout.

export type ConnectionBanner = { reason: "offline" | "reconnecting"; message: string } | null;

/**
 * How long the socket may be down before the banner says so: a reconnect after a server restart
 * or a missed heartbeat usually takes a second, and a banner that flashes is noise. Before the
 * first connection the wait is longer (the page is still starting up).
 */
export const RECONNECT_GRACE_MS = 2000;
export const FIRST_CONNECT_GRACE_MS = 6000;

export function connectionBanner(facts: {
  browserOnline: boolean;
  socketConnected: boolean;
  /** The socket has been down (or not yet up) at least the grace period. */
  downPastGrace: boolean;
}): ConnectionBanner {
  if (!facts.browserOnline) {
    return {
      reason: "offline",
      message: "You're offline — likes can't be sent until you're back. New notifications will arrive then.",
    };
  }
  if (!facts.socketConnected && facts.downPastGrace) {
    return {
      reason: "reconnecting",
      message: "Lost the connection to Likes — reconnecting… New notifications will arrive then.",
    };
  }
  return null;
}
