// The floor: what the like and the feed cost with nothing in between but node:http and pg. It runs
// the app's own SQL (bench/sql.ts) with a pool of the app's size, and nothing else: no nginx of
// its own, no Next.js routing, no session cookie (the user comes from an X-User-Id header), no
// Prisma, no queue. The gap between the app and this server is the app's per-request overhead.
// Never part of the app: started by the bench only (bench/floor.ts), on its own database.
//
//   PUT|DELETE /api/posts/:id/like   -> {"postId","liked","likeCount"}  (the like statement)
//   GET /api/posts?limit=N           -> {"items":[…],"nextCursor"}      (the feed's three statements)
//
// Env: DATABASE_URL, PORT, POOL_MAX. Prints "floor ready" once listening.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { FEED_POSTS_SQL, feedAuthorsSql, feedLikesSql, likeQuery } from "./sql";

// "timestamp without time zone" holds UTC here, as Prisma reads it.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => new Date(`${value.replace(" ", "T")}Z`));

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_MAX ?? 10),
  idleTimeoutMillis: 30_000,
});
// Without an error listener an idle client losing its connection crashes the process.
pool.on("error", (error) => console.error("floor pool error:", error.message));

const plausibleId = (id: string) => /^[a-z0-9]{1,40}$/i.test(id);

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

type Outcome = { postExists: boolean; changed: boolean; likeCount: number | null; eventId: string | null };

async function setLike(userId: string, postId: string, liked: boolean) {
  // The same statement text the app sends: a fresh trace comment, and the trace the outbox keeps.
  const traceparent = `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
  const trace = JSON.stringify({ hops: { click: null, nginx: null, route: 0, session: 0 }, traceparent });
  const { text, values } = likeQuery(liked, { userId, postId, eventId: randomUUID(), trace, traceparent });
  const { rows } = await pool.query<Outcome>(text, values);
  return rows[0]!;
}

type PostRow = { id: string; imageUrl: string; caption: string; likeCount: number; createdAt: Date; authorId: string };
type UserRow = { id: string; username: string; name: string; avatarUrl: string };

async function feed(viewerId: string, limit: number) {
  const { rows } = await pool.query<PostRow>(FEED_POSTS_SQL, [limit + 1, 0]);
  if (rows.length === 0) return { items: [], nextCursor: null };
  // Prisma sends the two relation reads at once, on two connections.
  const [authors, likes] = await Promise.all([
    pool.query<UserRow>(feedAuthorsSql(rows.length), [...rows.map((r) => r.authorId), 0]),
    pool.query<{ userId: string; postId: string }>(feedLikesSql(rows.length), [viewerId, ...rows.map((r) => r.id), 0]),
  ]);
  const byId = new Map(authors.rows.map((u) => [u.id, u]));
  const liked = new Set(likes.rows.map((l) => l.postId));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      author: byId.get(r.authorId),
      imageUrl: r.imageUrl,
      caption: r.caption,
      likeCount: r.likeCount,
      likedByMe: liked.has(r.id),
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString("base64url")
        : null,
  };
}

async function route(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://floor");
  const userId = req.headers["x-user-id"];
  if (typeof userId !== "string" || !plausibleId(userId))
    return send(res, 401, { error: { code: "unauthenticated", message: "X-User-Id" } });
  const like = /^\/api\/posts\/([^/]+)\/like$/.exec(url.pathname);
  if (like && (req.method === "PUT" || req.method === "DELETE")) {
    const postId = like[1]!;
    if (!plausibleId(postId)) return send(res, 404, { error: { code: "not_found", message: "Post" } });
    const liked = req.method === "PUT";
    const outcome = await setLike(userId, postId, liked);
    if (!outcome.postExists || outcome.likeCount === null)
      return send(res, 404, { error: { code: "not_found", message: "Post" } });
    return send(res, 200, { postId, liked, likeCount: outcome.likeCount });
  }
  if (url.pathname === "/api/posts" && req.method === "GET") {
    const limit = Number(url.searchParams.get("limit") ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      return send(res, 400, { error: { code: "invalid_request", message: "limit" } });
    return send(res, 200, await feed(userId, limit));
  }
  send(res, 404, { error: { code: "not_found", message: "No such route" } });
}

const server = createServer((req, res) => {
  // Drain the (empty) body before answering, as any HTTP server must to keep the connection.
  req.resume();
  route(req, res).catch((error: unknown) => {
    console.error("floor error:", error instanceof Error ? error.message : error);
    if (!res.headersSent) send(res, 500, { error: { code: "internal_error", message: "floor" } });
  });
});
// As the app (server/main.ts): idle keep-alive connections outlive nginx's upstream keepalive.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("floor ready"));

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void pool.end().finally(() => process.exit(0));
});
