// Liking and unliking: the postgres hop of a like (shared/journey.ts), and what follows its commit.
//
// One SQL statement does three things or none: the Like row (its primary key (userId, postId)
// makes a second like a no-op), the post's likeCount (an atomic increment, only if a row was
// inserted), and, when someone else's post was liked, an outbox event that owes its author a
// notification. Unlike mirrors it: the row goes, the count drops, and an outbox event owes the
// author a retraction. After the statement commits, the event is handed to the queue; if that
// fails, the outbox relay hands it over later (docs/decisions/001-outbox-and-idempotent-jobs.md).
// The worker decides what either event means for the inbox from the state it finds, not from the
// event's kind (docs/decisions/014-notifications-follow-likes.md).
//
// Why one statement rather than a Prisma interactive transaction: every like of a post updates
// the same Post row, so its row lock is the hot spot. A single statement holds that lock for one
// round trip instead of four or five, and needs no transaction slot to wait for (under 50
// concurrent users, interactive transactions ran out of time waiting for one: Prisma P2028).
import { randomUUID } from "node:crypto";
import { Prisma } from "./generated/prisma/client";
import type { LikeResult } from "../shared/api";
import { notFound } from "./api-errors";
import { db } from "./db";
import { log } from "./log";
import { enqueueNotification } from "./queue";
import { publishPostLikes } from "./push";
import { traceForOutbox } from "./telemetry/jobs";
import { countAppliedLike } from "./telemetry/metrics";

export const LIKE_EVENT = "like.created";
export const UNLIKE_EVENT = "like.removed";
export const LIKE_EVENTS: readonly string[] = [LIKE_EVENT, UNLIKE_EVENT];
export type LikeEventPayload = { postId: string; actorId: string; recipientId: string };

type Outcome = { postExists: boolean; changed: boolean; likeCount: number | null; eventId: string | null };

/**
 * The one statement of a like (liked) or an unlike, as Prisma will send it: `.text` with $1, $2 …
 * and `.values`. `eventId` is the id its outbox event would get; `trace` is what the event keeps of
 * the request's trace (JSON), so the worker can continue it. Exported for the benchmark's floor
 * server and pgbench (bench/), which run this very statement so the comparison is with the same SQL.
 */
export function likeStatement(
  liked: boolean,
  userId: string,
  postId: string,
  { eventId, trace }: { eventId: string; trace: string | null },
): Prisma.Sql {
  // The Like row: inserted if absent (the primary key makes a second like a no-op), or deleted.
  const change = liked
    ? Prisma.sql`INSERT INTO "Like" ("userId", "postId")
      SELECT ${userId}, id FROM "Post" WHERE id = ${postId}
      ON CONFLICT DO NOTHING
      RETURNING "postId"`
    : Prisma.sql`DELETE FROM "Like" WHERE "userId" = ${userId} AND "postId" = ${postId}
      RETURNING "postId"`;
  return Prisma.sql`WITH changed AS (
      ${change}
    ), counted AS (
      UPDATE "Post" SET "likeCount" = "likeCount" ${Prisma.raw(liked ? "+ 1" : "- 1")}
      WHERE id IN (SELECT "postId" FROM changed)
      RETURNING "likeCount", "authorId"
    ), event AS (
      INSERT INTO "OutboxEvent" (id, type, payload, trace)
      SELECT ${eventId}, ${liked ? LIKE_EVENT : UNLIKE_EVENT},
             jsonb_build_object('postId', ${postId}::text, 'actorId', ${userId}::text, 'recipientId', "authorId"),
             ${trace}::jsonb
      FROM counted WHERE "authorId" <> ${userId}
      RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM "Post" WHERE id = ${postId}) AS "postExists",
           EXISTS (SELECT 1 FROM counted) AS changed,
           COALESCE((SELECT "likeCount" FROM counted), (SELECT "likeCount" FROM "Post" WHERE id = ${postId})) AS "likeCount",
           (SELECT id FROM event) AS "eventId"`;
}

/**
 * Sets the user's like on a post; idempotent. A change owes the post's author an inbox update
 * (a notification, or its retraction), unless the author is the user; and it tells everyone
 * watching the post (its page, its list of likers) the new count.
 */
export async function setLike(userId: string, postId: string, liked: boolean): Promise<LikeResult> {
  const statement = likeStatement(liked, userId, postId, { eventId: randomUUID(), trace: traceForOutbox() });
  const [outcome] = await db().$queryRaw<Outcome[]>(statement);
  if (!outcome?.postExists || outcome.likeCount === null) throw notFound("Post");

  if (outcome.eventId) {
    try {
      await enqueueNotification(outcome.eventId);
    } catch (error) {
      // The like is committed and its event is in the outbox: the relay will enqueue it.
      log.warn({ err: error, eventId: outcome.eventId }, "enqueue failed; left to the outbox relay");
    }
  }
  if (outcome.changed) {
    countAppliedLike(liked);
    publishPostLikes(postId, outcome.likeCount);
  }
  return { postId, liked, likeCount: outcome.likeCount };
}
