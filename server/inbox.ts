// The inbox: what GET /api/notifications reads, and marking notifications read or seen. The
// notifications themselves are written by the worker (server/delivery.ts).
import { decodeCursor, encodeCursor, olderThan } from "./cursor";
import { db } from "./db";
import { userSelect, type UserDto } from "./posts";
import type { Notification as NotificationDto } from "../shared/api";

export type { NotificationDto };

const notificationSelect = {
  id: true,
  type: true,
  createdAt: true,
  readAt: true,
  actor: { select: userSelect },
  post: { select: { id: true, imageUrl: true } },
} as const;

export type NotificationRow = {
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

export type InboxCounts = { unreadCount: number; unseenCount: number };

/**
 * unreadCount: notifications not opened yet (each stays "new" in the inbox until it is opened, or
 * until "mark all as read"). unseenCount: the unread ones that arrived since the user last opened
 * the inbox: the bell's badge.
 */
export async function inboxCounts(userId: string): Promise<InboxCounts> {
  const [row] = await db().$queryRaw<InboxCounts[]>`
    SELECT count(*)::int AS "unreadCount",
           count(*) FILTER (WHERE u."notificationsSeenAt" IS NULL OR n."createdAt" > u."notificationsSeenAt")::int AS "unseenCount"
    FROM "Notification" n JOIN "User" u ON u.id = n."recipientId"
    WHERE n."recipientId" = ${userId} AND n."readAt" IS NULL`;
  return row ?? { unreadCount: 0, unseenCount: 0 };
}

export async function listInbox(userId: string, opts: { limit: number; cursor: string | null }) {
  const cursor = decodeCursor(opts.cursor);
  const [rows, counts] = await Promise.all([
    db().notification.findMany({
      where: { recipientId: userId, ...olderThan(cursor) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      select: notificationSelect,
    }),
    inboxCounts(userId),
  ]);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    // Prisma reads the notifications, then their actors and photos: one deleted in between is gone.
    items: page.filter((row) => row.actor != null && row.post != null).map(toNotificationDto),
    ...counts,
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
  };
}

/** Marks the user's own notifications read; ids that are not theirs are silently not matched. */
export async function markRead(userId: string, which: { ids: string[] } | { all: true }): Promise<InboxCounts> {
  await db().notification.updateMany({
    where: { recipientId: userId, readAt: null, ...("ids" in which ? { id: { in: which.ids } } : {}) },
    data: { readAt: new Date() },
  });
  return inboxCounts(userId);
}

/** The user opened the inbox: the bell clears; every notification keeps its own read state. */
export async function markSeen(userId: string): Promise<InboxCounts> {
  // The database's clock, the one that stamps Notification.createdAt.
  await db().$executeRaw`UPDATE "User" SET "notificationsSeenAt" = clock_timestamp() WHERE id = ${userId}`;
  return inboxCounts(userId);
}
