// Realtime: Socket.IO on the app's own HTTP server (hop 7 of a like).
// Each socket is authenticated from the next-auth session cookie and joins its user's room (and
// its session's, which sign-out empties).
// The Redis adapter lets the worker (through @socket.io/redis-emitter) and every other app instance
// reach any room, wherever the socket is connected.
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Server } from "socket.io";
import { env } from "./env";
import { log } from "./log";
import { createRedis, redis } from "./redis";
import { claimDeliveryReport, parseDeliveryReport } from "./journey";
import type { ClockAnswer, JourneyHopsEvent } from "../shared/journey";
import { isPlausibleId } from "./posts";
import { REALTIME_EVENTS } from "../shared/realtime-events";
import { postRoom, sessionRoom, socketIoKey, UNWATCH_POST, userRoom, WATCH_POST } from "./realtime-rooms";
import { sessionFromCookies } from "./session-token";

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
    socket.on(WATCH_POST, (postId: unknown, ack?: unknown) => {
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
    socket.on(UNWATCH_POST, (postId: unknown, ack?: unknown) => {
      const ok = typeof postId === "string" && watched.delete(postId);
      if (ok) void socket.leave(postRoom(postId));
      if (typeof ack === "function") ack({ ok });
    });
    // The journey panel's clock: the browser times the socket hop (the worker's emit -> its
    // receipt) across two clocks, and estimates the offset from this round trip.
    socket.on(REALTIME_EVENTS.clock, (ack?: unknown) => {
      if (typeof ack === "function") ack({ now: Date.now() } satisfies ClockAnswer);
    });
    // The owner's browser reports a like's last two hops; relayed to the liker's sockets, once,
    // and only when this socket's user is the owner the worker named (server/journey.ts).
    socket.on(REALTIME_EVENTS.journeyDelivered, (payload: unknown) => {
      const report = parseDeliveryReport(payload);
      if (!report) return;
      claimDeliveryReport(redis(), userId, report.traceId).then(
        (pending) => {
          if (!pending) return;
          const hops = { socket: report.socket, render: report.render };
          io.to(userRoom(pending.actorId)).emit(REALTIME_EVENTS.journeyHops, {
            traceId: report.traceId,
            postId: pending.postId,
            liked: pending.liked,
            hops,
          } satisfies JourneyHopsEvent);
        },
        (error: unknown) => log.debug({ err: error }, "journey report dropped"),
      );
    });
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
