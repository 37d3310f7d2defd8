-- The worker's decision for one like event (server/delivery.ts, prepareDelivery), as one call.
--
-- Two statements in one function, so that the worker needs one round trip instead of four (BEGIN,
-- lock, decision, COMMIT): docs/decisions/033-decision-in-one-call.md.
--   1. The advisory lock of the event's (actor, post), taken only while the event still needs a
--      decision. Runs for the same (actor, post) are serialized by it, so two workers cannot
--      interleave a read of the Like row with the other's write of the Notification.
--   2. The decision: it reads the event and the Like row, writes the inbox and the outcome, and
--      returns the event as it was before (to tell a replay from a first run) with the new
--      notification's actor and photo. A VOLATILE function takes a fresh snapshot for each
--      statement (READ COMMITTED), so this one sees every commit of the run that held the lock
--      before it, as a second statement of a transaction would.
-- The lock is the transaction's: it is released when the caller's statement commits.
-- `decided_types` are the event types that get a decision (server/likes.ts names them).
CREATE FUNCTION like_event_decision(event_id TEXT, notification_id TEXT, decided_types TEXT[])
RETURNS TABLE (
  type TEXT, payload JSONB, trace JSONB, "processedAt" TIMESTAMP(3), outcome JSONB, retracted TEXT,
  id TEXT, "createdAt" TIMESTAMP(3), "readAt" TIMESTAMP(3),
  "actorId" TEXT, username TEXT, name TEXT, "avatarUrl" TEXT, "postId" TEXT, "imageUrl" TEXT
)
LANGUAGE plpgsql VOLATILE
AS $$
-- The result's column names are also variables here: a name in a statement means the column.
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('like:' || (e.payload->>'actorId') || ':' || (e.payload->>'postId'), 0))
  FROM "OutboxEvent" e
  WHERE e.id = event_id AND e."processedAt" IS NULL AND e.outcome IS NULL AND e.type = ANY (decided_types);

  RETURN QUERY
  WITH ev AS (
    SELECT e.id, e.payload->>'actorId' AS "actorId", e.payload->>'postId' AS "postId", e.payload->>'recipientId' AS "recipientId"
    FROM "OutboxEvent" e
    WHERE e.id = event_id AND e."processedAt" IS NULL AND e.outcome IS NULL AND e.type = ANY (decided_types)
  ), live AS (
    SELECT 1 FROM "Like" l JOIN ev ON l."userId" = ev."actorId" AND l."postId" = ev."postId"
  ), created AS (
    INSERT INTO "Notification" AS n (id, "recipientId", "actorId", "postId", type, "sourceEventId", "createdAt")
    SELECT notification_id, ev."recipientId", ev."actorId", ev."postId", 'like', ev.id, clock_timestamp()
    FROM ev WHERE EXISTS (SELECT 1 FROM live)
    ON CONFLICT ("recipientId", "actorId", "postId", type) DO NOTHING
    RETURNING n.id, n."actorId", n."postId", n."createdAt", n."readAt"
  ), removed AS (
    DELETE FROM "Notification" n USING ev
    WHERE n."recipientId" = ev."recipientId" AND n."actorId" = ev."actorId" AND n."postId" = ev."postId" AND n.type = 'like'
      AND NOT EXISTS (SELECT 1 FROM live)
    RETURNING n.id
  ), recorded AS (
    UPDATE "OutboxEvent" e
    SET outcome = COALESCE((SELECT jsonb_build_object('created', c.id) FROM created c),
                           (SELECT jsonb_build_object('retracted', r.id) FROM removed r),
                           '{}'::jsonb)
    FROM ev WHERE e.id = ev.id
  )
  -- The event as this statement found it (data-modifying CTEs do not change what the main query
  -- reads), and the new notification's actor and photo, if one was made.
  SELECT e.type::TEXT, e.payload, e.trace, e."processedAt", e.outcome,
         (SELECT r.id FROM removed r),
         c.id, c."createdAt", c."readAt",
         u.id, u.username::TEXT, u.name::TEXT, u."avatarUrl",
         p.id, p."imageUrl"
  FROM "OutboxEvent" e
  LEFT JOIN created c ON true
  LEFT JOIN "User" u ON u.id = c."actorId"
  LEFT JOIN "Post" p ON p.id = c."postId"
  WHERE e.id = event_id;
END
$$;
