// Socket.IO on the app's own HTTP server: where the socket hop of a like ends (shared/journey.ts).
// Each socket is authenticated from the next-auth session cookie and joins its user's room (and
// its session's, which sign-out empties). The Redis adapter lets the worker and every other app
// instance reach any room, wherever the socket is connected (their side: server/push.ts).
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Server } from "socket.io";
import { env } from "./env";
import { log } from "./log";
import { headerSource, isForeignOrigin } from "./origin";
import { createRedis } from "./redis";
import type { ClockAnswer } from "../shared/journey";
import { isPlausibleId } from "./posts";
import { REALTIME_EVENTS } from "../shared/realtime-events";
import { postRoom, sessionRoom, socketIoKey, userRoom } from "./push";
import { sessionFromCookies } from "./session-token";
import { relayDeliveryReports } from "./telemetry/journey";

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      out[name] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

const MAX_WATCHED_POSTS = 50;

export function attachRealtime(httpServer: HttpServer) {
  const pub = createRedis("socket.io-pub");
  const sub = pub.duplicate();
  let subscriberWasDown = false;
  sub.on("error", (error) => log.warn({ err: error }, "redis subscriber error"));
  sub.on("close", () => {
    subscriberWasDown = true;
  });
  sub.on("ready", () => {
    if (!subscriberWasDown) return;
    subscriberWasDown = false;
    // Pushes published while the subscriber was away are lost to this instance's sockets, though
    // they stayed connected. Tell them to re-read the inbox (the notifications are in Postgres).
    // ioredis re-subscribes right after "ready"; a PING queued behind it answers once the
    // subscriptions are live again.
    setImmediate(() => {
      sub
        .ping()
        .then(() => {
          log.info("redis subscriber back: asking local sockets to resync");
          io.local.emit(REALTIME_EVENTS.resync);
        })
        .catch(() => undefined);
    });
  });
  const io = new Server(httpServer, {
    // Same-origin only: the page and the socket are served by the same host through nginx.
    cors: { origin: false },
    serveClient: false,
    adapter: createAdapter(pub, sub, { key: socketIoKey() }),
  });

  io.use(async (socket, next) => {
    // Any page can open a WebSocket to this site, and the browser sends the user's cookie with it
    // when the page is of the same site (SameSite=Lax stops other sites, not a sibling subdomain or
    // another port): that socket would receive the user's pushes. So the handshake's Origin must
    // name this very origin, as a mutation's must (server/api.ts).
    if (isForeignOrigin(headerSource(socket.request.headers))) return next(new Error("forbidden"));
    try {
      const session = await sessionFromCookies(parseCookies(socket.request.headers.cookie));
      if (!session) return next(new Error("unauthenticated"));
      socket.data.userId = session.user.id;
      socket.data.sessionId = session.sessionId;
      next();
    } catch (error) {
      log.warn({ err: error }, "socket handshake failed");
      next(new Error("unauthenticated"));
    }
  });

  io.on("connection", (socket) => {
    const userId = socket.data.userId as string;
    // The user's room gets their notifications; the session's room lets sign-out close it.
    void socket.join([userRoom(userId), sessionRoom(socket.data.sessionId as string)]);
    // A page showing a post (its own page, its list of likers) hears its count change live.
    // Posts are public to every signed-in user, so watching needs no further check; the number
    // of posts one socket may watch is capped.
    // An acknowledgement, when asked for, says whether it was done: {"ok":boolean}.
    const watched = new Set<string>();
    socket.on(REALTIME_EVENTS.watchPost, (postId: unknown, ack?: unknown) => {
      const ok =
        typeof postId === "string" &&
        isPlausibleId(postId) &&
        (watched.has(postId) || watched.size < MAX_WATCHED_POSTS);
      if (ok) {
        watched.add(postId);
        void socket.join(postRoom(postId));
      }
      if (typeof ack === "function") ack({ ok });
    });
    socket.on(REALTIME_EVENTS.unwatchPost, (postId: unknown, ack?: unknown) => {
      const ok = typeof postId === "string" && watched.delete(postId);
      if (ok) void socket.leave(postRoom(postId));
      if (typeof ack === "function") ack({ ok });
    });
    // The server's time: the browser's heartbeat asks it every few seconds, and the journey panel
    // times the socket hop across two clocks from its round trip.
    socket.on(REALTIME_EVENTS.clock, (ack?: unknown) => {
      if (typeof ack === "function") ack({ now: Date.now() } satisfies ClockAnswer);
    });
    relayDeliveryReports(io, socket, userId);
    // Tells the client (and the two-instance test) which instance it reached.
    socket.emit(REALTIME_EVENTS.hello, { instance: env().INSTANCE_ID });
    log.debug({ userId, socket: socket.id }, "socket connected");
  });

  return {
    io,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}
