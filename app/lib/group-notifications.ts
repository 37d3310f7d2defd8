// The inbox shows one row per post ("alice and 2 others liked your photo"), under the headings
// Today, This week and Earlier.
import type { Notification, UserSummary } from "@/shared/api";

export type NotificationGroup = {
  postId: string;
  post: Notification["post"];
  /** Distinct actors, most recent first. */
  actors: UserSummary[];
  items: Notification[];
  /** The newest member's time: the group sorts and reads by it. */
  latestAt: string;
  /** Unread while any member is. */
  unread: boolean;
};

/** Groups by post; `items` must be newest first (as the API returns them), and groups come out in that order. */
export function groupByPost(items: Notification[]): NotificationGroup[] {
  const groups = new Map<string, NotificationGroup>();
  for (const item of items) {
    let group = groups.get(item.post.id);
    if (!group) {
      group = { postId: item.post.id, post: item.post, actors: [], items: [], latestAt: item.createdAt, unread: false };
      groups.set(item.post.id, group);
    }
    group.items.push(item);
    if (!group.actors.some((a) => a.id === item.actor.id)) group.actors.push(item.actor);
    if (!item.readAt) group.unread = true;
  }
  return [...groups.values()];
}

/** "alice", "alice and bob", "alice and 2 others". */
export function actorsPhrase(actors: UserSummary[]): { lead: string; rest: string | null } {
  const [first, second] = actors;
  if (!first) return { lead: "Someone", rest: null };
  if (actors.length === 1 || !second) return { lead: first.username, rest: null };
  if (actors.length === 2) return { lead: first.username, rest: second.username };
  const others = actors.length - 1;
  return { lead: first.username, rest: `${others} others` };
}

/** Newest first by (createdAt, id), without duplicates: merges pages and live arrivals. */
export function mergeNewestFirst(current: Notification[], added: Notification[]): Notification[] {
  const byId = new Map<string, Notification>();
  for (const n of [...added, ...current]) if (!byId.has(n.id)) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
  );
}

export type InboxSection = "Today" | "This week" | "Earlier";
export const INBOX_SECTIONS: readonly InboxSection[] = ["Today", "This week", "Earlier"];

/** Today: the viewer's calendar day. This week: the six days before it. Earlier: the rest. */
export function sectionOf(iso: string, now: Date): InboxSection {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const at = new Date(iso).getTime();
  if (at >= startOfToday) return "Today";
  const sixDaysBefore = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6).getTime();
  return at >= sixDaysBefore ? "This week" : "Earlier";
}

/** Groups (newest first) split under their section headings, empty sections left out. */
export function bySection(
  groups: NotificationGroup[],
  now: Date,
): { section: InboxSection; groups: NotificationGroup[] }[] {
  return INBOX_SECTIONS.map((section) => ({
    section,
    groups: groups.filter((g) => sectionOf(g.latestAt, now) === section),
  })).filter((s) => s.groups.length > 0);
}
