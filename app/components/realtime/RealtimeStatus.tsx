"use client";
// A small dot in the header: green while live notifications are connected.
// data-state / data-instance expose the same facts to tests and to curious readers of the DOM.
import { useNotificationState } from "./RealtimeProvider";

export function RealtimeStatus() {
  const { connection, instance } = useNotificationState();
  const label =
    connection === "connected"
      ? `Live updates on${instance ? ` (${instance})` : ""}`
      : "Live updates offline, reconnecting…";
  return (
    <span
      className="realtime-status"
      data-testid="realtime-status"
      data-state={connection}
      data-instance={instance ?? ""}
      title={label}
      role="img"
      aria-label={label}
    />
  );
}
