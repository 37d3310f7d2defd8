// Small text formatters shared by the feed, the inbox and profiles.

const numberFormat = new Intl.NumberFormat("en-US");

export function formatCount(count: number): string {
  return numberFormat.format(count);
}

export function formatLikes(count: number): string {
  return `${formatCount(count)} ${count === 1 ? "like" : "likes"}`;
}

const dateFormat = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

/** A fixed, time-zone-free date: what the server renders before the browser knows "now". */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/**
 * A calendar date for something older than a week: "Mar 3" in the current year, "Mar 3, 2025"
 * otherwise. In the reader's time zone (undefined: the runtime's own), so it matches their calendar.
 */
export function formatCalendarDate(iso: string, now: number, timeZone?: string): string {
  const date = new Date(iso);
  const yearOf = new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone });
  const sameYear = yearOf.format(date) === yearOf.format(new Date(now));
  return new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    year: sameYear ? undefined : "numeric",
    timeZone,
  }).format(date);
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then a date ("Mar 3", "Mar 3, 2025"). */
export function formatRelative(iso: string, now: number, timeZone?: string): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} d ago`;
  return formatCalendarDate(iso, now, timeZone);
}
