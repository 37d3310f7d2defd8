// The SQL the app runs, so the floor server and pgbench run the very same statements.
//
// Like and unlike: server/likes.ts builds its one statement with likeStatement(), and the floor and
// pgbench call that same function: what Postgres receives from them is the app's text.
//
// The feed: GET /api/posts is one statement too, built by server/posts.ts's feedStatement(), which
// the floors call the same way. Every run still checks both against what the app's connections ran
// (pg_stat_activity): a change to how the app sends them would show there.
import { LIKE_EVENT, likeStatement, UNLIKE_EVENT } from "../server/likes";
import { feedStatement } from "../server/posts";

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

/** The feed's statement exactly as the app sends it, for the first page: server/posts.ts builds it. */
export function feedQuery(viewerId: string, limit: number): { text: string; values: unknown[] } {
  const statement = feedStatement(viewerId, { limit, cursor: null });
  return { text: statement.text, values: statement.values };
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
