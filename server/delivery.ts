// Delivering one like's notification: the worker's steps for one outbox event, run once per job
// (workers/notifications.ts). This is the worker hop of a like; the push starts its socket hop.
//   1. prepareDelivery(): the owner's inbox brought in line with the like as it is now, in one
//      transaction (a notification created, or one retracted after an unlike);
//   2. the push to the owner's room, exactly once: the new notification (with whether to toast)
//      or its retraction;
//   3. markProcessed(): the outbox event is done.
// A deleted post's event (server/post-deletion.ts) goes through the same steps: its notifications
// are already gone with the post, so step 1 only reads the event, and step 2 pushes one retraction
// per notification, each exactly once.
// The outbox relay's work list and the housekeeping of processed events are here too.
import type { Redis } from "ioredis";
import { Prisma } from "./generated/prisma/client";
import type { NotificationDelivery } from "../shared/api";
import { REALTIME_EVENTS } from "../shared/realtime-events";
import { db } from "./db";
import { newId } from "./ids";
import { toNotificationDto, type NotificationDto, type NotificationRow } from "./inbox";
import { LIKE_EVENT, LIKE_EVENTS, type LikeEventPayload } from "./likes";
import { log } from "./log";
import { POST_DELETED_EVENT, type PostDeletedPayload } from "./post-deletion";
import { emitNotificationOnce, emitOnce, userRoom } from "./push";
import { redisKey } from "./redis";
import { handOverJourney } from "./telemetry/journey";
import type { StoredTrace } from "./telemetry/trace";
import { toastCooldown } from "./toast-cooldown";

export type DeliveryResult =
  "pushed" | "retracted" | "already_pushed" | Extract<DeliveryOutcome, { kind: "skip" }>["reason"];

/** Delivers one outbox event (steps 1 to 3 above) and says what it did. Safe to retry. */
export async function deliver(eventId: string, push: Redis): Promise<DeliveryResult> {
  const outcome = await prepareDelivery(eventId);
  const result =
    outcome.kind === "skip"
      ? outcome.reason
      : outcome.kind === "withdraw"
        ? await pushRetractions(eventId, outcome.retractions, push)
        : await pushOnce(eventId, outcome, push);
  await markProcessed(eventId);
  return result;
}

/**
 * Step 2 for a deleted post: one retraction per notification it took with it, to its recipient's
 * room, each published at most once (its own key), so a retry after a crash halfway pushes only
 * the rest. No toast, and no journey: nobody's click is being traced.
 */
async function pushRetractions(
  eventId: string,
  retractions: PostDeletedPayload["retractions"],
  push: Redis,
): Promise<DeliveryResult> {
  let published = 0;
  for (const { id, recipientId } of retractions) {
    const delivery: NotificationDelivery = { toast: false };
    if (
      await emitOnce(
        push,
        redisKey("pushed", eventId, id),
        userRoom(recipientId),
        REALTIME_EVENTS.retraction,
        { id },
        delivery,
      )
    )
      published++;
  }
  if (published === 0) {
    log.info({ eventId }, "already pushed by an earlier attempt; not pushing again");
    return "already_pushed";
  }
  return "retracted";
}

/** Step 2: pushes the decision to the owner's sockets, unless an earlier attempt already did. */
async function pushOnce(
  eventId: string,
  outcome: Extract<DeliveryOutcome, { kind: "push" | "retract" }>,
  push: Redis,
): Promise<DeliveryResult> {
  const { origin, recipientId } = outcome;
  // The journey's figures go on the push's connection, ahead of it (server/telemetry/journey.ts).
  const journey = handOverJourney(origin, recipientId, push);
  // Exactly once per event: a retry after a crash that already pushed does not push again. A new
  // notification toasts only if it is the first of its liker and photo within the cooldown (a storm
  // of toggles updates the inbox quietly); the script that pushes it decides.
  const onceKey = redisKey("pushed", eventId);
  const room = userRoom(recipientId);
  const published =
    outcome.kind === "push"
      ? (
          await emitNotificationOnce(
            push,
            onceKey,
            toastCooldown(recipientId, origin.actorId, origin.postId),
            room,
            outcome.notification,
            { journey },
          )
        ).published
      : await emitOnce(push, onceKey, room, REALTIME_EVENTS.retraction, { id: outcome.notificationId }, {
          toast: false,
          journey,
        } satisfies NotificationDelivery);
  if (!published) {
    log.info({ eventId }, "already pushed by an earlier attempt; not pushing again");
    return "already_pushed";
  }
  return outcome.kind === "push" ? "pushed" : "retracted";
}

/** Where an event came from: who did what to which post, and what the event kept of the request's trace. */
export type EventOrigin = { actorId: string; postId: string; liked: boolean; trace: StoredTrace | null };

export type DeliveryOutcome =
  | { kind: "push"; recipientId: string; actorId: string; notification: NotificationDto; origin: EventOrigin }
  | { kind: "retract"; recipientId: string; notificationId: string; origin: EventOrigin }
  /** A deleted post's notifications, gone with it: each one's retraction. */
  | { kind: "withdraw"; retractions: PostDeletedPayload["retractions"] }
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
 * See docs/decisions/014-notifications-follow-likes.md. Then deliver() pushes, and marks it processed.
 *
 * On the hot path this is one call, and markProcessed() one more: two round trips to Postgres
 * (docs/decisions/033-decision-in-one-call.md; docs/benchmarks.md measures them). The call,
 * like_event_decision (prisma/migrations/20261204040000_like_event_decision), runs two statements:
 * 1. the lock, keyed from the event row itself, taken only while the event still needs a decision;
 * 2. the decision, which reads the event, the Like row, writes the inbox and the outcome, and
 *    returns the event as it was before (to tell a replay from a first run) with the new
 *    notification's actor and photo. It runs after the lock is granted with a snapshot of its own,
 *    so it sees every commit of the run that held the lock before it.
 * Both commit together, as the call's one transaction, and the lock goes with the commit.
 */
export async function prepareDelivery(eventId: string): Promise<DeliveryOutcome> {
  type DecisionRow = {
    type: string;
    payload: LikeEventPayload | PostDeletedPayload;
    trace: StoredTrace | null;
    processedAt: Date | null;
    outcome: Recorded | null;
    retracted: string | null;
  } & (({ id: string } & Omit<PushRow, "id">) | { [K in keyof PushRow]: null });
  let row: DecisionRow | undefined;
  try {
    const rows = await db().$queryRaw<DecisionRow[]>`
      SELECT * FROM like_event_decision(${eventId}, ${newId()}, ${[...LIKE_EVENTS]}::text[])`;
    row = rows[0];
  } catch (error) {
    // The post or a user was deleted since the like: nothing left to notify about.
    if (isForeignKeyViolation(error)) return { kind: "skip", reason: "gone" };
    throw error;
  }

  if (!row) return { kind: "skip", reason: "unknown_event" };
  if (row.processedAt) return { kind: "skip", reason: "already_processed" };
  // A deleted post's event needs no decision (the statement above changed nothing for it).
  if (row.type === POST_DELETED_EVENT) {
    const { retractions } = row.payload as PostDeletedPayload;
    return retractions.length ? { kind: "withdraw", retractions } : { kind: "skip", reason: "unchanged" };
  }
  if (!LIKE_EVENTS.includes(row.type)) return { kind: "skip", reason: "unknown_event" };
  const { postId, actorId, recipientId } = row.payload as LikeEventPayload;
  const origin: EventOrigin = { actorId, postId, liked: row.type === LIKE_EVENT, trace: row.trace };

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

/**
 * Step 3: the event is done. Its commit does not wait for the WAL flush (synchronous_commit off,
 * for this transaction only): the push has gone and the decision is on disk, so a lost mark loses
 * nothing but itself. Postgres flushes it within 3 × wal_writer_delay (600 ms by default); if
 * Postgres dies first, the event looks pending again, and the outbox relay, finding its job
 * completed, marks it without delivering it twice (workers/notifications.ts; ADR 034).
 */
export async function markProcessed(eventId: string): Promise<void> {
  await db().$executeRaw`
    WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
    UPDATE "OutboxEvent" SET "processedAt" = CURRENT_TIMESTAMP
    FROM no_flush_wait
    WHERE id = ${eventId} AND "processedAt" IS NULL`;
}

/**
 * Events the route did not manage to enqueue (or whose job vanished): the relay's work list, with
 * the trace each request stored, so the job continues it.
 */
export async function pendingEvents(
  olderThanMs: number,
  limit = 500,
): Promise<{ id: string; trace: StoredTrace | null; createdAt: Date }[]> {
  const rows = await db().outboxEvent.findMany({
    where: { processedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, trace: true, createdAt: true },
  });
  return rows.map((r) => ({ id: r.id, trace: r.trace as StoredTrace | null, createdAt: r.createdAt }));
}

/** Processed events are kept a day for inspection, then deleted. */
export async function pruneProcessed(keepMs = 24 * 3600 * 1000): Promise<number> {
  const { count } = await db().outboxEvent.deleteMany({
    where: { processedAt: { lt: new Date(Date.now() - keepMs) } },
  });
  return count;
}
