// Signing out that actually ends the session. The session cookie is a self-contained encrypted JWT
// (docs/decisions/004), valid until it expires wherever a copy of it lives. So each session gets an
// id at sign-in (the `sid` claim, kept when the cookie is re-issued), sign-out records that id in
// Postgres, and every read of a session (pages, API, Socket.IO handshake) checks it, against a copy
// of the table each app process keeps in memory (server/revoked-sessions.ts, kept true by Redis
// pub/sub). Sockets already open for the session are disconnected at once.
import { randomUUID } from "node:crypto";
import type { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import type { JWT, JWTDecodeParams } from "next-auth/jwt";
import { db } from "./db";
import { log } from "./log";
import { createRedis } from "./redis";
import { createEmitter, sessionRoom } from "./push";
import { revokedSessions } from "./revoked-sessions";
import { decodeSessionToken } from "./session-decode";

/**
 * A session cookie is valid this long after next-auth issued it: at sign-in, or when
 * GET /api/auth/session re-issues it (server components never do; they cannot set cookies).
 */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;

export const newSessionId = () => randomUUID();

/**
 * next-auth's decode, plus: a token without a session id, or whose session was signed out, is no
 * session. Used by getServerSession (authOptions().jwt) and getToken (server/session-token.ts).
 */
export async function decodeLiveSession(params: JWTDecodeParams): Promise<JWT | null> {
  const token = await decodeSessionToken(params);
  if (!token) return null;
  if (typeof token.sid !== "string" || typeof token.sub !== "string") return null;
  try {
    if (await revokedSessions().isRevoked(token.sid)) return null;
  } catch (error) {
    // Postgres away. Letting the session through is safe, since everything it could reach needs
    // Postgres too; refusing would sign every user out (next-auth clears a cookie it cannot read).
    log.warn({ err: error }, "could not check session revocation; allowing");
  }
  return token;
}

const globalForEmitter = globalThis as unknown as { __likesSessionEmitter?: { emitter: Emitter; redis: Redis } };

/**
 * Records the sign-out, then disconnects the session's open sockets on every app instance. Their
 * reconnect is refused: the handshake reads the same revoked session.
 */
export async function revokeSession(sessionId: string, userId: string): Promise<void> {
  const expiresAt = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  await db().revokedSession.createMany({ data: [{ id: sessionId, userId, expiresAt }], skipDuplicates: true });
  // The emitter publishes without awaiting, so its connection must never reject a command: with
  // Redis away the request waits in ioredis' offline queue and goes out on reconnect. Meanwhile
  // the open sockets stay, and none can reconnect with this session.
  globalForEmitter.__likesSessionEmitter ??= (() => {
    const redis = createRedis("session-emitter", { maxRetriesPerRequest: null });
    return { emitter: createEmitter(redis), redis };
  })();
  const { emitter, redis } = globalForEmitter.__likesSessionEmitter;
  revokedSessions().announce(sessionId, redis);
  emitter.in(sessionRoom(sessionId)).disconnectSockets(true);
  log.info({ userId }, "session signed out");
}

/** Rows past their expiry guard nothing: every copy of that session has expired too. */
export async function pruneRevokedSessions(now = new Date()): Promise<number> {
  const { count } = await db().revokedSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
