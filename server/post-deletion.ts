// Deleting your own photo (DELETE /api/posts/:id). One transaction takes the post away with its
// likes and their notifications (the schema cascades them) and writes an outbox event that owes
// each of those notifications' recipients a retraction, so every open tab of the owner drops them
// live, through the worker's exactly-once push like an unlike's (server/delivery.ts). After the
// commit: the job is enqueued (the relay catches up if that fails), open feeds hear the post is
// gone, and the photo's file is removed unless another post shows the same bytes.
// See docs/decisions/030-deleting-posts-and-sweeping-uploads.md.
import { randomUUID } from "node:crypto";
import type { DeletedPost } from "../shared/api";
import { forbidden, notFound } from "./api-errors";
import { db } from "./db";
import { log } from "./log";
import { publishPostDeleted } from "./push";
import { enqueueNotification } from "./queue";
import { traceForOutbox } from "./telemetry/jobs";
import { removeIfUnreferenced, uploadNameFromUrl } from "./uploads";

export const POST_DELETED_EVENT = "post.deleted";
/** The notifications a deleted post took with it, each with whose inbox it was in. */
export type PostDeletedPayload = { postId: string; retractions: { id: string; recipientId: string }[] };

/** Deletes the user's own post. 404 when there is no such post; 403, changing nothing, when it is someone else's. */
export async function deletePost(userId: string, postId: string): Promise<DeletedPost> {
  const eventId = randomUUID();
  const trace = traceForOutbox();
  const { imageUrl, owed } = await db().$transaction(async (tx) => {
    // The row lock comes first, in a statement of its own. A notification insert checks its foreign
    // key with a KEY SHARE lock on the post, which conflicts with this one: every notification
    // committed before the lock is seen by the next statement (a new snapshot under READ
    // COMMITTED), and any later insert waits, then fails on the deleted post (the worker's "gone").
    const [post] = await tx.$queryRaw<{ authorId: string; imageUrl: string }[]>`
      SELECT "authorId", "imageUrl" FROM "Post" WHERE id = ${postId} FOR UPDATE`;
    if (!post) throw notFound("Post");
    if (post.authorId !== userId) throw forbidden("Only its author can delete a photo.");
    // The notifications it takes with it, the event owing their retraction (none: no event), then
    // the post. All in one statement's snapshot; the cascade runs at its end.
    const [row] = await tx.$queryRaw<{ owed: number }[]>`
      WITH owed AS (
        SELECT COALESCE(jsonb_agg(jsonb_build_object('id', id, 'recipientId', "recipientId") ORDER BY "createdAt"), '[]'::jsonb) AS retractions
        FROM "Notification" WHERE "postId" = ${postId}
      ), event AS (
        INSERT INTO "OutboxEvent" (id, type, payload, trace)
        SELECT ${eventId}, ${POST_DELETED_EVENT},
               jsonb_build_object('postId', ${postId}::text, 'retractions', retractions), ${trace}::jsonb
        FROM owed WHERE jsonb_array_length(retractions) > 0
        RETURNING id
      ), gone AS (
        DELETE FROM "Post" WHERE id = ${postId} RETURNING id
      )
      SELECT jsonb_array_length((SELECT retractions FROM owed))::int AS owed, (SELECT count(*) FROM gone)::int AS deleted`;
    return { imageUrl: post.imageUrl, owed: row?.owed ?? 0 };
  });

  if (owed > 0) {
    try {
      await enqueueNotification(eventId);
    } catch (error) {
      // Committed with its event in the outbox: the relay will enqueue it.
      log.warn({ err: error, eventId }, "enqueue failed; left to the outbox relay");
    }
  }
  publishPostDeleted({ postId });
  const name = uploadNameFromUrl(imageUrl);
  const file = name
    ? await removeIfUnreferenced(name).catch((error: unknown) => {
        // The post is gone either way; the sweeper removes the file once past its grace period.
        log.warn({ err: error, name }, "could not remove a deleted post's photo; left to the sweeper");
        return "left";
      })
    : "not stored here";
  log.info({ postId, retractions: owed, file }, "post deleted");
  return { postId, deleted: true };
}
