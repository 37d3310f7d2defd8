"use client";
// The banner under the header when the connection is gone: at once when the browser reports it is
// offline, and a moment after the socket drops otherwise (the heartbeat in RealtimeProvider makes
// that drop show within seconds). The live region is always in the page, so screen readers hear
// the banner arrive; it clears itself when the connection is back.
import { useEffect, useState, useSyncExternalStore } from "react";
import { FIRST_CONNECT_GRACE_MS, RECONNECT_GRACE_MS, connectionBanner } from "@/app/lib/connection-banner";
import { useNotificationState } from "./RealtimeProvider";

function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

/** navigator.onLine, live; the server (and hydration) assume online. */
function useBrowserOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

export function ConnectionBanner() {
  const browserOnline = useBrowserOnline();
  const { connection } = useNotificationState();
  const socketConnected = connection === "connected";
  // One "episode" per change of the socket's state, reset while rendering (React's pattern for
  // state that follows a value) so a new drop starts its grace period afresh.
  const [episode, setEpisode] = useState({
    connected: socketConnected,
    hasConnected: socketConnected,
    pastGrace: false,
  });
  if (episode.connected !== socketConnected) {
    setEpisode({ connected: socketConnected, hasConnected: episode.hasConnected || socketConnected, pastGrace: false });
  }

  useEffect(() => {
    if (socketConnected) return;
    const timer = setTimeout(
      () => setEpisode((current) => (current.connected ? current : { ...current, pastGrace: true })),
      episode.hasConnected ? RECONNECT_GRACE_MS : FIRST_CONNECT_GRACE_MS,
    );
    return () => clearTimeout(timer);
  }, [socketConnected, episode.hasConnected]);

  const banner = connectionBanner({ browserOnline, socketConnected, downPastGrace: episode.pastGrace });
  return (
    <div className="connection-banner-region" role="status">
      {banner && (
        <p className="connection-banner" data-testid="offline-banner" data-reason={banner.reason}>
          <span className="connection-banner__dot" aria-hidden="true" />
          {banner.message}
        </p>
      )}
    </div>
  );
}
