// Notifications: the inbox API's queries, and the worker's step that turns an outbox event into
// a Notification row (hop 6 of a like, see docs/architecture.md).
import { decodeCursor, encodeCursor, olderThan } from "./cursor";
import { db } from "./db";
import { LIKE_EVENT, type LikeEventPayload } from "./likes";
import { userSelect, type UserDto } from "./posts";
import type { Notification as NotificationDto } from "../types/api";

export type { NotificationDto };

const notificationSelect = {
  id: true,
  type: true,
  createdAt: true,
  readAt: true,
  actor: { select: userSelect },
  post: { select: { id: true, imageUrl: true } },
} as const;

type NotificationRow = {
  id: string;
  type: "like";
  createdAt: Date;
  readAt: Date | null;
  actor: UserDto;
  post: { id: string; imageUrl: string };
};

export function toNotificationDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    type: row.type,
    actor: row.actor,
    post: row.post,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

export async function unreadCount(userId: string): Promise<number> {
  return db().notification.count({ where: { recipientId: userId, readAt: null } });
}

export async function listInbox(userId: string, opts: { limit: number; cursor: string | null }) {
  const cursor = decodeCursor(opts.cursor);
  const [rows, unread] = await Promise.all([
    db().notification.findMany({
      where: { recipientId: userId, ...olderThan(cursor) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      select: notificationSelect,
    }),
    unreadCount(userId),
  ]);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map(toNotificationDto),
    unreadCount: unread,
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
  };
}

/** Marks the user's own notifications read; ids that are not theirs are silently not matched. */
export async function markRead(userId: string, which: { ids: string[] } | { all: true }): Promise<number> {
  await db().notification.updateMany({
    where: { recipientId: userId, readAt: null, ...("ids" in which ? { id: { in: which.ids } } : {}) },
    data: { readAt: new Date() },
  });
  return unreadCount(userId);
}

export type DeliveryOutcome =
  | { kind: "push"; recipientId: string; notification: NotificationDto }
  | { kind: "skip"; reason: "already_processed" | "unknown_event" | "already_notified" | "gone" };

/**
 * Turns one outbox event into a Notification. Safe to run any number of times for one event:
 * - a processed event is skipped;
 * - the Notification is unique per (recipient, actor, post, type), so like → unlike → like
 *   notifies once;
 * - a retry after a crash between insert and push pushes again (same notification id; the
 *   browser drops ids it has already shown), so a push is at-least-once, never lost.
 * The caller pushes, then calls markProcessed().
 */
export async function prepareDelivery(eventId: string): Promise<DeliveryOutcome> {
  const event = await db().outboxEvent.findUnique({ where: { id: eventId } });
  if (!event) return { kind: "skip", reason: "unknown_event" };
  if (event.processedAt) return { kind: "skip", reason: "already_processed" };
  if (event.type !== LIKE_EVENT) return { kind: "skip", reason: "unknown_event" };

  const { postId, actorId, recipientId } = event.payload as LikeEventPayload;
  try {
    await db().notification.createMany({
      data: [{ recipientId, actorId, postId, type: "like", sourceEventId: event.id }],
      skipDuplicates: true,
    });
  } catch (error) {
    // The post or a user was deleted since the like: nothing left to notify about.
    if ((error as { code?: string }).code === "P2003") return { kind: "skip", reason: "gone" };
    throw error;
  }
  const row = await db().notification.findUnique({
    where: { recipientId_actorId_postId_type: { recipientId, actorId, postId, type: "like" } },
    select: { ...notificationSelect, sourceEventId: true },
  });
  if (!row || row.sourceEventId !== event.id) return { kind: "skip", reason: "already_notified" };
  return { kind: "push", recipientId, notification: toNotificationDto(row) };
}

export async function markProcessed(eventId: string): Promise<void> {
  await db().outboxEvent.updateMany({ where: { id: eventId, processedAt: null }, data: { processedAt: new Date() } });
}

/** Events the route did not manage to enqueue (or whose job vanished): the relay's work list. */
export async function pendingEvents(olderThanMs: number, limit = 500): Promise<string[]> {
  const rows = await db().outboxEvent.findMany({
    where: { processedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Processed events are kept a day for inspection, then deleted. */
export async function pruneProcessed(keepMs = 24 * 3600 * 1000): Promise<number> {
  const { count } = await db().outboxEvent.deleteMany({ where: { processedAt: { lt: new Date(Date.now() - keepMs) } } });
  return count;
}
