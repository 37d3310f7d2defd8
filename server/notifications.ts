// Notifications: the inbox API's queries, and the worker's step that brings the owner's inbox in
// line with a like or an unlike (hop 6 of a like, see docs/architecture.md).
import { Prisma } from "./generated/prisma/client";
import { decodeCursor, encodeCursor, olderThan } from "./cursor";
import { db } from "./db";
import { newId } from "./ids";
import { LIKE_EVENT, LIKE_EVENTS, type LikeEventPayload } from "./likes";
import type { StoredTrace } from "./trace";
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
    items: page.map(toNotificationDto),
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

/** Where an event came from: who did what to which post, and the request's trace (server/trace.ts). */
export type EventOrigin = { actorId: string; postId: string; liked: boolean; trace: StoredTrace | null; createdAt: Date };

export type DeliveryOutcome =
  | { kind: "push"; recipientId: string; actorId: string; notification: NotificationDto; origin: EventOrigin }
  | { kind: "retract"; recipientId: string; notificationId: string; origin: EventOrigin }
  | { kind: "skip"; reason: "already_processed" | "unknown_event" | "unchanged" | "superseded" | "gone" };

type Recorded = { created?: string; retracted?: string };

/**
 * Brings the owner's inbox in line with one like event (a like or an unlike), and says what to
 * push. Safe to run any number of times, for any event, in any order:
 * - it decides from the state it finds, not from the event's kind: a like that still exists has
 *   exactly one notification, a like that does not has none. So an old "like" job processed after
 *   the unlike creates nothing, and an "unlike" job processed after a new like deletes nothing;
 * - runs for the same (actor, post) are serialized by a transaction-scoped advisory lock, so two
 *   workers cannot interleave a read of the Like row with the other's write of the Notification;
 * - the decision is recorded on the event in the same transaction: a retry after a crash replays
 *   it rather than deciding anew. The worker publishes each event's push at most once
 *   (emitOnce, docs/decisions/016-exactly-once-push.md), so with retries the owner's sockets hear
 *   it exactly once. A processed event is skipped.
 * See docs/decisions/014-notifications-follow-likes.md. The caller pushes, then markProcessed().
 */
export async function prepareDelivery(eventId: string): Promise<DeliveryOutcome> {
  const event = await db().outboxEvent.findUnique({ where: { id: eventId } });
  if (!event) return { kind: "skip", reason: "unknown_event" };
  if (event.processedAt) return { kind: "skip", reason: "already_processed" };
  if (!LIKE_EVENTS.includes(event.type)) return { kind: "skip", reason: "unknown_event" };
  const { postId, actorId, recipientId } = event.payload as LikeEventPayload;
  const origin: EventOrigin = { actorId, postId, liked: event.type === LIKE_EVENT, trace: event.trace as StoredTrace | null, createdAt: event.createdAt };

  let recorded = event.outcome as Recorded | null;
  if (!recorded) {
    try {
      const [, rows] = await db().$transaction([
        db().$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`like:${actorId}:${postId}`}, 0))`,
        db().$queryRaw<{ created: string | null; retracted: string | null }[]>`
          WITH live AS (
            SELECT 1 FROM "Like" WHERE "userId" = ${actorId} AND "postId" = ${postId}
          ), created AS (
            INSERT INTO "Notification" (id, "recipientId", "actorId", "postId", type, "sourceEventId", "createdAt")
            SELECT ${newId()}, ${recipientId}, ${actorId}, ${postId}, 'like', ${eventId}, clock_timestamp()
            WHERE EXISTS (SELECT 1 FROM live)
            ON CONFLICT ("recipientId", "actorId", "postId", type) DO NOTHING
            RETURNING id
          ), retracted AS (
            DELETE FROM "Notification"
            WHERE "recipientId" = ${recipientId} AND "actorId" = ${actorId} AND "postId" = ${postId} AND type = 'like'
              AND NOT EXISTS (SELECT 1 FROM live)
            RETURNING id
          ), recorded AS (
            UPDATE "OutboxEvent"
            SET outcome = COALESCE((SELECT jsonb_build_object('created', id) FROM created),
                                   (SELECT jsonb_build_object('retracted', id) FROM retracted),
                                   '{}'::jsonb)
            WHERE id = ${eventId}
          )
          SELECT (SELECT id FROM created) AS created, (SELECT id FROM retracted) AS retracted`,
      ]);
      const row = rows[0];
      recorded = { ...(row?.created ? { created: row.created } : {}), ...(row?.retracted ? { retracted: row.retracted } : {}) };
    } catch (error) {
      // The post or a user was deleted since the like: nothing left to notify about.
      if (isForeignKeyViolation(error)) return { kind: "skip", reason: "gone" };
      throw error;
    }
  }

  if (recorded.retracted) return { kind: "retract", recipientId, notificationId: recorded.retracted, origin };
  if (!recorded.created) return { kind: "skip", reason: "unchanged" };
  const row = await notificationToPush(recorded.created);
  // Replaying a crashed attempt: a later unlike has already taken this one back.
  if (!row) return { kind: "skip", reason: "superseded" };
  return { kind: "push", recipientId, actorId, notification: toNotificationDto(row), origin };
}

/**
 * The inbox item to push, with its actor and photo, in one statement. Prisma's select with two
 * relations sends three (the notification, then the user and the post), and this runs once per
 * notification, on the worker's hot path (docs/benchmarks.md, "What the profiles showed").
 */
async function notificationToPush(id: string): Promise<NotificationRow | null> {
  const rows = await db().$queryRaw<(Omit<NotificationRow, "actor" | "post"> & { actorId: string; username: string; name: string; avatarUrl: string; postId: string; imageUrl: string })[]>`
    SELECT n.id, n.type::text AS type, n."createdAt", n."readAt",
           u.id AS "actorId", u.username, u.name, u."avatarUrl",
           p.id AS "postId", p."imageUrl"
    FROM "Notification" n
    JOIN "User" u ON u.id = n."actorId"
    JOIN "Post" p ON p.id = n."postId"
    WHERE n.id = ${id}`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    type: row.type,
    createdAt: row.createdAt,
    readAt: row.readAt,
    actor: { id: row.actorId, username: row.username, name: row.name, avatarUrl: row.avatarUrl },
    post: { id: row.postId, imageUrl: row.imageUrl },
  };
}

function isForeignKeyViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return error.code === "P2003" || (error.code === "P2010" && String((error.meta as { code?: unknown } | undefined)?.code) === "23503");
  }
  return /23503|foreign key/i.test(String((error as Error)?.message));
}

export async function markProcessed(eventId: string): Promise<void> {
  await db().outboxEvent.updateMany({ where: { id: eventId, processedAt: null }, data: { processedAt: new Date() } });
}

/**
 * Events the route did not manage to enqueue (or whose job vanished): the relay's work list, with
 * the trace each request stored, so the job continues it.
 */
export async function pendingEvents(olderThanMs: number, limit = 500): Promise<{ id: string; traceparent: string | null; createdAt: Date }[]> {
  const rows = await db().outboxEvent.findMany({
    where: { processedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, trace: true, createdAt: true },
  });
  return rows.map((r) => ({ id: r.id, traceparent: (r.trace as StoredTrace | null)?.traceparent ?? null, createdAt: r.createdAt }));
}

/** Processed events are kept a day for inspection, then deleted. */
export async function pruneProcessed(keepMs = 24 * 3600 * 1000): Promise<number> {
  const { count } = await db().outboxEvent.deleteMany({ where: { processedAt: { lt: new Date(Date.now() - keepMs) } } });
  return count;
}
