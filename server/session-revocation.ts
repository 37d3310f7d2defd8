// Signing out that actually ends the session. The session cookie is a self-contained encrypted JWT
// (docs/decisions/004), valid until it expires wherever a copy of it lives. So each session gets an
// id at sign-in (the `sid` claim, kept when the cookie is re-issued), sign-out records that id in
// Postgres, and every read of a session (pages, API, Socket.IO handshake) checks it, against a copy
// of the table each app process keeps in memory (server/revoked-sessions.ts, kept true by Redis
// pub/sub). Sockets already open for the session are disconnected at once.
//
// "Sign out everywhere" (revokeAllSessions) ends every session of one user at once without knowing
// them: each cookie carries its user's session generation as of sign-in (the `gen` claim), and the
// user's counter is bumped, so every cookie issued before carries less and is refused. The user's
// sockets (room user:<id>) are disconnected. Why a counter and not a table of issued sessions:
// docs/decisions/029-sign-out-everywhere.md.
import { randomUUID } from "node:crypto";
import type { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import type { JWT, JWTDecodeParams } from "next-auth/jwt";
import { db } from "./db";
import { log } from "./log";
import { createRedis } from "./redis";
import { createEmitter, sessionRoom, userRoom } from "./push";
import { revokedSessions } from "./revoked-sessions";
import { decodeSessionToken } from "./session-decode";
import { SESSION_MAX_AGE_SECONDS } from "./session-lifetime";

export { SESSION_MAX_AGE_SECONDS };

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
    // A cookie from before generations existed counts as generation 0: the first "sign out
    // everywhere" ends it too.
    const generation = typeof token.gen === "number" ? token.gen : 0;
    if (await revokedSessions().isRevoked({ sessionId: token.sid, userId: token.sub, generation })) return null;
  } catch (error) {
    // Postgres away. Letting the session through is safe, since everything it could reach needs
    // Postgres too; refusing would sign every user out (next-auth clears a cookie it cannot read).
    log.warn({ err: error }, "could not check session revocation; allowing");
  }
  return token;
}

const globalForEmitter = globalThis as unknown as { __likesSessionEmitter?: { emitter: Emitter; redis: Redis } };

/**
 * The sign-outs' emitter. It publishes without awaiting, so its connection must never reject a
 * command: with Redis away the request waits in ioredis' offline queue and goes out on reconnect.
 * Meanwhile the open sockets stay, and none can reconnect with a signed-out session.
 */
function sessionEmitter(): { emitter: Emitter; redis: Redis } {
  globalForEmitter.__likesSessionEmitter ??= (() => {
    const redis = createRedis("session-emitter", { maxRetriesPerRequest: null });
    return { emitter: createEmitter(redis), redis };
  })();
  return globalForEmitter.__likesSessionEmitter;
}

/**
 * Records the sign-out, then disconnects the session's open sockets on every app instance. Their
 * reconnect is refused: the handshake reads the same revoked session.
 */
export async function revokeSession(sessionId: string, userId: string): Promise<void> {
  const expiresAt = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  await db().revokedSession.createMany({ data: [{ id: sessionId, userId, expiresAt }], skipDuplicates: true });
  const { emitter, redis } = sessionEmitter();
  revokedSessions().announce(sessionId, redis);
  emitter.in(sessionRoom(sessionId)).disconnectSockets(true);
  log.info({ userId }, "session signed out");
}

/**
 * "Sign out everywhere": bumps the user's session generation, so every cookie issued to them so far
 * (this one included) is refused wherever a copy lives, then disconnects all their sockets on every
 * app instance. Returns the new generation; sessions signed in from now on carry it.
 */
export async function revokeAllSessions(userId: string): Promise<number> {
  const { sessionGeneration } = await db().user.update({
    where: { id: userId },
    data: { sessionGeneration: { increment: 1 }, sessionsRevokedAt: new Date() },
    select: { sessionGeneration: true },
  });
  const { emitter, redis } = sessionEmitter();
  revokedSessions().announceUser(userId, sessionGeneration, redis);
  // The user's room holds every socket of every session of theirs. A session signed in while this
  // runs may lose its socket too; its reconnect is accepted (it carries the new generation).
  emitter.in(userRoom(userId)).disconnectSockets(true);
  log.info({ userId, sessionGeneration }, "signed out everywhere");
  return sessionGeneration;
}

/** Rows past their expiry guard nothing: every copy of that session has expired too. */
export async function pruneRevokedSessions(now = new Date()): Promise<number> {
  const { count } = await db().revokedSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
