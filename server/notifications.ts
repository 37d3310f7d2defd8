// Notifications: the inbox API's queries, and the worker's step that brings the owner's inbox in
// line with a like or an unlike (hop 6 of a like, see docs/architecture.md).
import { Prisma } from "./generated/prisma/client";
import { decodeCursor, encodeCursor, olderThan } from "./cursor";
import { db } from "./db";
import { newId } from "./ids";
import { LIKE_EVENT, LIKE_EVENTS, UNLIKE_EVENT, type LikeEventPayload } from "./likes";
import type { StoredTrace } from "./trace";
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
export type EventOrigin = {
  actorId: string;
  postId: string;
  liked: boolean;
  trace: StoredTrace | null;
  createdAt: Date;
};

export type DeliveryOutcome =
  | { kind: "push"; recipientId: string; actorId: string; notification: NotificationDto; origin: EventOrigin }
  | { kind: "retract"; recipientId: string; notificationId: string; origin: EventOrigin }
  | { kind: "skip"; reason: "already_processed" | "unknown_event" | "unchanged" | "superseded" | "gone" };

type Recorded = { created?: string; retracted?: string };

/** A notification with its actor and photo, as one SQL row. */
type PushRow = {
  id: string;
  createdAt: Date;
  readAt: Date | null;
  actorId: string;
  username: string;
  name: string;
  avatarUrl: string;
  postId: string;
  imageUrl: string;
};

function toNotificationRow(row: PushRow): NotificationRow {
  return {
    id: row.id,
    type: "like",
    createdAt: row.createdAt,
    readAt: row.readAt,
    actor: { id: row.actorId, username: row.username, name: row.name, avatarUrl: row.avatarUrl },
    post: { id: row.postId, imageUrl: row.imageUrl },
  };
}

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
 *
 * On the hot path this is one transaction of two statements, and the caller's markProcessed() one
 * more (five round trips with BEGIN and COMMIT, down from seven; docs/benchmarks.md):
 * 1. the lock, keyed from the event row itself, taken only while the event still needs a decision;
 * 2. the decision, which reads the event, the Like row, writes the inbox and the outcome, and
 *    returns the event as it was before (to tell a replay from a first run) with the new
 *    notification's actor and photo. It runs after the lock is granted, so under READ COMMITTED
 *    it sees every commit of the run that held the lock before it.
 */
export async function prepareDelivery(eventId: string): Promise<DeliveryOutcome> {
  type DecisionRow = {
    type: string;
    payload: LikeEventPayload;
    trace: StoredTrace | null;
    eventCreatedAt: Date;
    processedAt: Date | null;
    outcome: Recorded | null;
    retracted: string | null;
  } & (({ id: string } & Omit<PushRow, "id">) | { [K in keyof PushRow]: null });
  // Whether the event still needs a decision: the lock and the decision must ask the same question.
  const undecided = Prisma.sql`id = ${eventId} AND "processedAt" IS NULL AND outcome IS NULL AND type IN (${LIKE_EVENT}, ${UNLIKE_EVENT})`;
  let row: DecisionRow | undefined;
  try {
    const [, rows] = await db().$transaction([
      db().$executeRaw`
        SELECT pg_advisory_xact_lock(hashtextextended('like:' || (payload->>'actorId') || ':' || (payload->>'postId'), 0))
        FROM "OutboxEvent"
        WHERE ${undecided}`,
      db().$queryRaw<DecisionRow[]>`
        WITH ev AS (
          SELECT id, payload->>'actorId' AS "actorId", payload->>'postId' AS "postId", payload->>'recipientId' AS "recipientId"
          FROM "OutboxEvent"
          WHERE ${undecided}
        ), live AS (
          SELECT 1 FROM "Like" l JOIN ev ON l."userId" = ev."actorId" AND l."postId" = ev."postId"
        ), created AS (
          INSERT INTO "Notification" (id, "recipientId", "actorId", "postId", type, "sourceEventId", "createdAt")
          SELECT ${newId()}, ev."recipientId", ev."actorId", ev."postId", 'like', ev.id, clock_timestamp()
          FROM ev WHERE EXISTS (SELECT 1 FROM live)
          ON CONFLICT ("recipientId", "actorId", "postId", type) DO NOTHING
          RETURNING id, "actorId", "postId", "createdAt", "readAt"
        ), retracted AS (
          DELETE FROM "Notification" n USING ev
          WHERE n."recipientId" = ev."recipientId" AND n."actorId" = ev."actorId" AND n."postId" = ev."postId" AND n.type = 'like'
            AND NOT EXISTS (SELECT 1 FROM live)
          RETURNING n.id
        ), recorded AS (
          UPDATE "OutboxEvent" e
          SET outcome = COALESCE((SELECT jsonb_build_object('created', id) FROM created),
                                 (SELECT jsonb_build_object('retracted', id) FROM retracted),
                                 '{}'::jsonb)
          FROM ev WHERE e.id = ev.id
        )
        -- The event as this statement found it (data-modifying CTEs do not change what the main
        -- query reads), and the new notification's actor and photo, if one was made.
        SELECT e.type, e.payload, e.trace, e."createdAt" AS "eventCreatedAt", e."processedAt", e.outcome,
               (SELECT id FROM retracted) AS retracted,
               c.id, c."createdAt", c."readAt",
               u.id AS "actorId", u.username, u.name, u."avatarUrl",
               p.id AS "postId", p."imageUrl"
        FROM "OutboxEvent" e
        LEFT JOIN created c ON true
        LEFT JOIN "User" u ON u.id = c."actorId"
        LEFT JOIN "Post" p ON p.id = c."postId"
        WHERE e.id = ${eventId}`,
    ]);
    row = rows[0];
  } catch (error) {
    // The post or a user was deleted since the like: nothing left to notify about.
    if (isForeignKeyViolation(error)) return { kind: "skip", reason: "gone" };
    throw error;
  }

  if (!row) return { kind: "skip", reason: "unknown_event" };
  if (row.processedAt) return { kind: "skip", reason: "already_processed" };
  if (!LIKE_EVENTS.includes(row.type)) return { kind: "skip", reason: "unknown_event" };
  const { postId, actorId, recipientId } = row.payload;
  const origin: EventOrigin = {
    actorId,
    postId,
    liked: row.type === LIKE_EVENT,
    trace: row.trace,
    createdAt: row.eventCreatedAt,
  };

  // A recorded outcome is a crashed attempt's decision, replayed; none means this statement decided.
  const recorded: Recorded = row.outcome ?? {
    ...(row.id !== null ? { created: row.id } : {}),
    ...(row.retracted ? { retracted: row.retracted } : {}),
  };
  if (recorded.retracted) return { kind: "retract", recipientId, notificationId: recorded.retracted, origin };
  if (!recorded.created) return { kind: "skip", reason: "unchanged" };
  // Created just now, the statement returned it whole; a replay reads it again.
  const pushed = row.id !== null ? toNotificationRow(row) : await notificationToPush(recorded.created);
  // A later unlike has already taken this one back.
  if (!pushed) return { kind: "skip", reason: "superseded" };
  return { kind: "push", recipientId, actorId, notification: toNotificationDto(pushed), origin };
}

/** The inbox item to push, with its actor and photo, in one statement (a replayed decision's). */
async function notificationToPush(id: string): Promise<NotificationRow | null> {
  const rows = await db().$queryRaw<PushRow[]>`
    SELECT n.id, n."createdAt", n."readAt",
           u.id AS "actorId", u.username, u.name, u."avatarUrl",
           p.id AS "postId", p."imageUrl"
    FROM "Notification" n
    JOIN "User" u ON u.id = n."actorId"
    JOIN "Post" p ON p.id = n."postId"
    WHERE n.id = ${id}`;
  const row = rows[0];
  return row ? toNotificationRow(row) : null;
}

function isForeignKeyViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return (
      error.code === "P2003" ||
      (error.code === "P2010" && String((error.meta as { code?: unknown } | undefined)?.code) === "23503")
    );
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
export async function pendingEvents(
  olderThanMs: number,
  limit = 500,
): Promise<{ id: string; traceparent: string | null; createdAt: Date }[]> {
  const rows = await db().outboxEvent.findMany({
    where: { processedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, trace: true, createdAt: true },
  });
  return rows.map((r) => ({
    id: r.id,
    traceparent: (r.trace as StoredTrace | null)?.traceparent ?? null,
    createdAt: r.createdAt,
  }));
}

/** Processed events are kept a day for inspection, then deleted. */
export async function pruneProcessed(keepMs = 24 * 3600 * 1000): Promise<number> {
  const { count } = await db().outboxEvent.deleteMany({
    where: { processedAt: { lt: new Date(Date.now() - keepMs) } },
  });
  return count;
}
