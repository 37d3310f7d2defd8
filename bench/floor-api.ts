// What both floors answer (bench/floor-server.ts on node:http, bench/next-floor/ on Next.js): the
// app's own SQL (bench/sql.ts) through a pg pool of the app's size, the user from an X-User-Id
// header, and nothing else. Each floor only turns a request into one of these calls and the
// returned { status, body } into its answer.
//
//   PUT|DELETE /api/posts/:id/like   -> {"postId","liked","likeCount"}  (the like statement)
//   GET /api/posts?limit=N           -> {"items":[…],"nextCursor"}      (the feed statement)
//
// Env: DATABASE_URL, POOL_MAX (the pool is made on the first request).
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { feedPage, type FeedRow } from "../server/posts";
import { feedQuery, likeQuery } from "./sql";

export type FloorAnswer = { status: number; body: unknown };

// "timestamp without time zone" holds UTC here, as Prisma reads it.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => new Date(`${value.replace(" ", "T")}Z`));

let pool: pg.Pool | null = null;
function floorPool(): pg.Pool {
  if (pool) return pool;
  pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.POOL_MAX ?? 10),
    idleTimeoutMillis: 30_000,
  });
  // Without an error listener an idle client losing its connection crashes the process.
  pool.on("error", (error) => console.error("floor pool error:", error.message));
  return pool;
}

export async function endFloorPool(): Promise<void> {
  await pool?.end();
  pool = null;
}

const plausibleId = (id: string) => /^[a-z0-9]{1,40}$/i.test(id);
const error = (status: number, code: string, message: string): FloorAnswer => ({
  status,
  body: { error: { code, message } },
});
export const NO_SUCH_ROUTE = error(404, "not_found", "No such route");
/** Who asks: the X-User-Id header, or null when it is missing or no plausible id. */
const floorUser = (header: string | string[] | null | undefined) =>
  typeof header === "string" && plausibleId(header) ? header : null;
const UNAUTHENTICATED = error(401, "unauthenticated", "X-User-Id");

type Outcome = { postExists: boolean; changed: boolean; likeCount: number | null; eventId: string | null };

async function setLike(userId: string, postId: string, liked: boolean) {
  // The same statement text the app sends: a fresh trace comment, and the trace the outbox keeps.
  const traceparent = `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
  const trace = JSON.stringify({ hops: { click: null, nginx: null, route: 0, session: 0 }, traceparent });
  const { text, values } = likeQuery(liked, { userId, postId, eventId: randomUUID(), trace, traceparent });
  const { rows } = await floorPool().query<Outcome>(text, values);
  return rows[0]!;
}

/** PUT (like) or DELETE (unlike) /api/posts/:postId/like. */
export async function likeAnswer(
  userHeader: string | string[] | null | undefined,
  postId: string,
  liked: boolean,
): Promise<FloorAnswer> {
  const userId = floorUser(userHeader);
  if (!userId) return UNAUTHENTICATED;
  if (!plausibleId(postId)) return error(404, "not_found", "Post");
  const outcome = await setLike(userId, postId, liked);
  if (!outcome.postExists || outcome.likeCount === null) return error(404, "not_found", "Post");
  return { status: 200, body: { postId, liked, likeCount: outcome.likeCount } };
}

async function feed(viewerId: string, limit: number) {
  const { text, values } = feedQuery(viewerId, limit);
  const { rows } = await floorPool().query<FeedRow>(text, values);
  return feedPage(rows, limit);
}

/** GET /api/posts?limit=N (limitParam: the query's `limit`, null when absent). */
export async function feedAnswer(
  userHeader: string | string[] | null | undefined,
  limitParam: string | null,
): Promise<FloorAnswer> {
  const userId = floorUser(userHeader);
  if (!userId) return UNAUTHENTICATED;
  const limit = Number(limitParam ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return error(400, "invalid_request", "limit");
  return { status: 200, body: await feed(userId, limit) };
}

/** The headers of every floor answer (the length is the server's to add). */
export const FLOOR_HEADERS = { "content-type": "application/json", "cache-control": "no-store" } as const;
