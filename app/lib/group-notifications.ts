// The inbox shows one row per post: "alice and 2 others liked your photo".
import type { Notification, UserSummary } from "@/types/api";

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
  return [...byId.values()].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
}
