// The SQL the app runs, so the floor server and pgbench run the very same statements.
//
// Like and unlike: server/likes.ts builds its one statement with likeStatement(), and the floor and
// pgbench call that same function: what Postgres receives from them is the app's text.
//
// The feed: Prisma runs GET /api/posts (server/posts.ts, findMany with the author and the viewer's
// like as relations) as three statements, the posts, then their authors and the viewer's likes
// among them. Those texts are Prisma's, not in our source: they were captured from Postgres' log
// and are re-checked on every run against what the app's connections last ran (pg_stat_activity).
import { LIKE_EVENT, likeStatement, UNLIKE_EVENT } from "../server/likes";

/** The like (or unlike) statement exactly as the app sends it: `.text` with $1, $2 …, and `.values`. */
export function likeQuery(
  liked: boolean,
  v: { userId: string; postId: string; eventId: string; trace: string | null; traceparent: string },
): { text: string; values: unknown[] } {
  const statement = likeStatement(liked, v.userId, v.postId, { eventId: v.eventId, trace: v.trace });
  // The comment Prisma's SQL commenter appends inside a trace (server/telemetry/postgres.ts).
  return { text: `${statement.text} /*traceparent='${v.traceparent}'*/`, values: statement.values };
}

/** A constant trace for pgbench: the app's differs per request, but it is a comment and a json value. */
export const PGBENCH_TRACEPARENT = "00-00000000000000000000000000000001-0000000000000001-01";

/**
 * The same statement for a pgbench script: each parameter becomes the pgbench :variable named for
 * it (pgbench -M extended sends them as parameters again, as Prisma does).
 */
export function likeQueryForPgbench(
  liked: boolean,
  names: { userId: string; postId: string; eventId: string; trace: string; eventType: string },
): string {
  const marks = { userId: "\u0001uid", postId: "\u0001pid", eventId: "\u0001eid", trace: "\u0001trace" };
  const { text, values } = likeQuery(liked, { ...marks, traceparent: PGBENCH_TRACEPARENT });
  const variable = new Map<unknown, string>([
    [marks.userId, names.userId],
    [marks.postId, names.postId],
    [marks.eventId, names.eventId],
    [marks.trace, names.trace],
    [LIKE_EVENT, names.eventType],
    [UNLIKE_EVENT, names.eventType],
  ]);
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const name = variable.get(values[Number(n) - 1]);
    if (!name)
      throw new Error(`no pgbench variable for $${n} of the like statement (${String(values[Number(n) - 1])})`);
    return `:${name}`;
  });
}

const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(",");

/** The feed's first statement: the newest posts, one more than the page to know if another exists. */
export const FEED_POSTS_SQL =
  `SELECT "public"."Post"."id", "public"."Post"."imageUrl", "public"."Post"."caption", "public"."Post"."likeCount", "public"."Post"."createdAt", "public"."Post"."authorId" ` +
  `FROM "public"."Post" WHERE 1=1 ORDER BY "public"."Post"."createdAt" DESC, "public"."Post"."id" DESC LIMIT $1 OFFSET $2`;

/** Their authors: Prisma lists one id per post row, duplicates included. */
export function feedAuthorsSql(rows: number): string {
  return `SELECT "public"."User"."id", "public"."User"."username", "public"."User"."name", "public"."User"."avatarUrl" FROM "public"."User" WHERE "public"."User"."id" IN (${placeholders(1, rows)}) OFFSET $${rows + 1}`;
}

/** The viewer's likes among those posts. */
export function feedLikesSql(rows: number): string {
  return (
    `SELECT "public"."Like"."userId", "public"."Like"."postId" FROM "public"."Like" WHERE ("public"."Like"."userId" = $1 AND "public"."Like"."postId" IN (${placeholders(2, rows)})) ` +
    `ORDER BY "public"."Like"."userId" ASC, "public"."Like"."postId" ASC OFFSET $${rows + 2}`
  );
}

/** Whitespace-insensitive, comment-free form for comparing with pg_stat_activity's (truncated) text. */
export function normalizeSql(sql: string): string {
  return (
    sql
      .replace(/^\/\*.*?\*\/\s*/, "")
      // Prisma appends the trace comment; pg_stat_activity may cut it short.
      .replace(/\s*\/\*traceparent=.*$/s, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}
