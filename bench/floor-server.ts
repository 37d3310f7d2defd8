// The floor: what the like and the feed cost with nothing in between but node:http and pg. It runs
// the app's own SQL (bench/sql.ts) with a pool of the app's size, and nothing else: no nginx of
// its own, no Next.js routing, no session cookie (the user comes from an X-User-Id header), no
// Prisma, no queue. The gap between the app and this server is the app's per-request overhead.
// Never part of the app: started by the bench only (bench/floor.ts), on its own database. What it
// answers is bench/floor-api.ts, shared with the Next.js floor (bench/next-floor/).
//
// Env: DATABASE_URL, PORT, POOL_MAX. Prints "floor ready" once listening.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { endFloorPool, feedAnswer, FLOOR_HEADERS, likeAnswer, NO_SUCH_ROUTE, type FloorAnswer } from "./floor-api";

function send(res: ServerResponse, { status, body }: FloorAnswer) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...FLOOR_HEADERS, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function route(req: IncomingMessage): Promise<FloorAnswer> {
  const url = new URL(req.url ?? "/", "http://floor");
  const user = req.headers["x-user-id"];
  const like = /^\/api\/posts\/([^/]+)\/like$/.exec(url.pathname);
  if (like && (req.method === "PUT" || req.method === "DELETE"))
    return likeAnswer(user, like[1]!, req.method === "PUT");
  if (url.pathname === "/api/posts" && req.method === "GET") return feedAnswer(user, url.searchParams.get("limit"));
  return NO_SUCH_ROUTE;
}

const server = createServer((req, res) => {
  // Drain the (empty) body before answering, as any HTTP server must to keep the connection.
  req.resume();
  route(req).then(
    (answer) => send(res, answer),
    (error: unknown) => {
      console.error("floor error:", error instanceof Error ? error.message : error);
      if (!res.headersSent) send(res, { status: 500, body: { error: { code: "internal_error", message: "floor" } } });
    },
  );
});
// As the app (server/main.ts): idle keep-alive connections outlive nginx's upstream keepalive.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("floor ready"));

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void endFloorPool().finally(() => process.exit(0));
});
