// The signed-out sessions, mirrored in each app process, so checking a session costs no query.
// Two kinds of news, kept the same way: one session signed out (its id), and "sign out everywhere"
// (a user's new session generation: every cookie of theirs carrying a lower one is refused;
// docs/decisions/029-sign-out-everywhere.md).
//
// Every authenticated request and socket handshake asks "was this session signed out?"
// (server/session-revocation.ts). Asking Postgres was one more query on every request; under load
// that query was the single largest piece of the like's database work besides the like itself
// (docs/benchmarks.md). Sign-outs are rare and the table is small (a row lives 30 days), so each
// app process keeps the ids in a Set and answers from it. The copy is kept true by Redis pub/sub,
// a cache with invalidation:
//
//   1. subscribe to the channels first, then load every unexpired id (and every user's generation
//      bumped within a session's lifetime) from Postgres: a sign-out committed during the load is
//      in the table or in a message, never in neither;
//   2. a sign-out commits its row (or its bump), then publishes it; every process adds it at once;
//      a generation only ever goes up, so a message and a load can arrive in either order;
//   3. while the subscription is down (Redis away, reconnecting) messages could be missed, so the
//      copy is not trusted: every check asks Postgres, as before, until step 1 has run again.
//      A full reload every RELOAD_MS also bounds how long a lost message could matter.
//
// The cost: a copied cookie used on another instance in the millisecond between the sign-out's
// commit and its message there still passes once. The sign-out's own instance adds the id before
// it answers. See docs/decisions/019-revoked-sessions-in-memory.md.
import type { Redis } from "ioredis";
import { db } from "./db";
import { log } from "./log";
import { createRedis, redisKey } from "./redis";
import { SESSION_MAX_AGE_SECONDS } from "./session-lifetime";

const RELOAD_MS = 60_000;

const channel = () => redisKey("sessions", "revoked");
/** Messages are JSON {"userId","generation"}: that user's sessions below this generation are over. */
const userChannel = () => redisKey("sessions", "revoked-user");

/** What the check needs from a decoded session cookie. */
export type SessionClaims = { sessionId: string; userId: string; generation: number };

/** A user's generation news, as published; null for anything else. */
function parseUserMessage(message: string): { userId: string; generation: number } | null {
  try {
    const { userId, generation } = JSON.parse(message) as { userId?: unknown; generation?: unknown };
    if (typeof userId === "string" && Number.isSafeInteger(generation))
      return { userId, generation: generation as number };
  } catch {
    // not ours
  }
  return null;
}

class RevokedSessionMirror {
  private readonly ids = new Set<string>();
  /** userId -> lowest session generation still valid, for users who signed out everywhere. */
  private readonly generations = new Map<string, number>();
  /** True while the Set can be trusted: subscribed, and loaded after subscribing. */
  private synced = false;
  private readonly subscriber: Redis;
  private loading: Promise<void> | null = null;

  constructor() {
    this.subscriber = createRedis("sessions-subscriber");
    this.subscriber.on("message", (from: string, message: string) => {
      if (from === channel()) this.ids.add(message);
      else if (from === userChannel()) {
        const news = parseUserMessage(message);
        if (news) this.raiseGeneration(news.userId, news.generation);
      }
    });
    // Each (re)connection subscribes again (ioredis resubscribes by itself too), then reloads.
    this.subscriber.on("ready", () => void this.sync());
    for (const event of ["close", "reconnecting", "end"]) this.subscriber.on(event, () => (this.synced = false));
    // The periodic reload, which is also the retry after a failed load (the checks go to Postgres
    // until one succeeds).
    setInterval(() => {
      if (this.subscriber.status === "ready") void this.sync();
    }, RELOAD_MS).unref();
  }

  private sync(): Promise<void> {
    this.synced = false;
    this.loading ??= (async () => {
      try {
        await this.subscriber.subscribe(channel(), userChannel());
        await this.reload();
        this.synced = this.subscriber.status === "ready";
        if (this.synced) log.debug({ revoked: this.ids.size }, "revoked sessions mirrored");
      } catch (error) {
        log.warn({ err: error }, "could not mirror revoked sessions; checking Postgres per request");
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private async reload(): Promise<void> {
    const now = Date.now();
    const [rows, users] = await Promise.all([
      db().revokedSession.findMany({ where: { expiresAt: { gt: new Date(now) } }, select: { id: true } }),
      // A bump older than a session's lifetime guards nothing: every cookie it refused has expired
      // (none could be re-issued after it, since re-issuing decodes the cookie first).
      db().user.findMany({
        where: { sessionsRevokedAt: { gt: new Date(now - SESSION_MAX_AGE_SECONDS * 1000) } },
        select: { id: true, sessionGeneration: true },
      }),
    ]);
    // Add, never clear first: a message that arrived during the query is kept.
    for (const { id } of rows) this.ids.add(id);
    for (const { id, sessionGeneration } of users) this.raiseGeneration(id, sessionGeneration);
  }

  private raiseGeneration(userId: string, generation: number): void {
    if (generation > (this.generations.get(userId) ?? 0)) this.generations.set(userId, generation);
  }

  /** From the mirror when it is in sync; otherwise from Postgres. */
  async isRevoked({ sessionId, userId, generation }: SessionClaims): Promise<boolean> {
    if (this.synced) return this.ids.has(sessionId) || generation < (this.generations.get(userId) ?? 0);
    const [revoked, user] = await Promise.all([
      db().revokedSession.findUnique({ where: { id: sessionId }, select: { id: true } }),
      db().user.findUnique({ where: { id: userId }, select: { sessionGeneration: true } }),
    ]);
    return revoked !== null || generation < (user?.sessionGeneration ?? 0);
  }

  /**
   * After the row is committed: this process knows at once, the others when the message lands. A
   * publish that fails is logged; the others' periodic reload, or their Postgres checks while out
   * of sync, still find the row.
   */
  announce(sessionId: string, publisher: Redis): void {
    this.ids.add(sessionId);
    publisher
      .publish(channel(), sessionId)
      .catch((error: unknown) => log.warn({ err: error }, "sign-out not announced to other instances"));
  }

  /** The same for "sign out everywhere": after the bump is committed, its new generation. */
  announceUser(userId: string, generation: number, publisher: Redis): void {
    this.raiseGeneration(userId, generation);
    publisher
      .publish(userChannel(), JSON.stringify({ userId, generation }))
      .catch((error: unknown) => log.warn({ err: error }, "sign-out everywhere not announced to other instances"));
  }
}

const globalForMirror = globalThis as unknown as { __likesRevokedSessions?: RevokedSessionMirror };

/** The process's mirror (one, shared by Next's bundles and the custom server). */
export function revokedSessions(): RevokedSessionMirror {
  globalForMirror.__likesRevokedSessions ??= new RevokedSessionMirror();
  return globalForMirror.__likesRevokedSessions;
}
