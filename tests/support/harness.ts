// What the integration, fault and compose tests share: a private stack per test file (tooling/stack.ts)
// with its database at hand, users created straight in it and signed in through the API
// (tooling/api-client.ts), a Socket.IO client that behaves like a browser tab, and polling.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { createPrisma, type Db } from "../../server/db";
import { hashPassword } from "../../server/password";
import { ApiClient, type ApiResponse } from "../../tooling/api-client";
import { ROOT } from "../../tooling/paths";
import { startStack, type Stack, type StackOptions } from "../../tooling/stack";

export const PASSWORD = "correct horse battery";
let passwordHash: Promise<string> | undefined;

export type TestStack = Stack & { db: Db };

/** A stack of its own: a fresh database, a private redis-server, the app and a worker. */
export async function startTestStack(name: string, opts: Partial<StackOptions> = {}): Promise<TestStack> {
  const runDir = path.join(ROOT, ".test-stacks", `${name}-${randomBytes(3).toString("hex")}`);
  const stack = await startStack({
    runDir,
    redis: "private",
    apps: 1,
    workers: 1,
    ...opts,
    env: {
      LOG_LEVEL: "warn",
      LIKE_RATE_LIMIT_PER_MINUTE: "100000",
      OUTBOX_RELAY_INTERVAL_MS: "500",
      OUTBOX_RELAY_GRACE_MS: "1000",
      ...opts.env,
    },
  });
  const db = createPrisma(stack.databaseUrl);
  const stop = stack.stop;
  return Object.assign(stack, {
    db,
    stop: async () => {
      await db.$disconnect();
      await stop();
    },
  });
}

export type TestUser = { id: string; username: string; name: string };

export function uniqueName(prefix = "u"): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export async function createUser(db: Db, username = uniqueName()): Promise<TestUser> {
  passwordHash ??= hashPassword(PASSWORD);
  return db.user.create({
    data: {
      username,
      name: `Test ${username}`,
      avatarUrl: `/seed/avatars/alice.svg`,
      passwordHash: await passwordHash,
    },
    select: { id: true, username: true, name: true },
  });
}

export async function createPost(db: Db, authorId: string, caption = "a test photo"): Promise<{ id: string }> {
  return db.post.create({ data: { authorId, caption, imageUrl: "/seed/posts/alice-1.svg" }, select: { id: true } });
}

/** The API's error shape: JSON {"error":{"code","message"}} with this status and stable code. */
export function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.equal(res.body?.error?.code, code);
  assert.equal(typeof res.body.error.message, "string");
  assert.ok(res.body.error.message.length > 0);
}

/** A client signed in as a test user (every one has PASSWORD). */
export function signedInClient(baseUrl: string, user: TestUser): Promise<ApiClient> {
  return ApiClient.signedIn(baseUrl, user.username, PASSWORD);
}

/** One event a socket received: its first argument as payload, the rest in `more` (a notification's delivery flags). */
export type Received = { event: string; payload: any; more?: any[]; at: number };

/**
 * What a browser tab shows at the end: live pushes and catch-up reads, deduplicated by id, minus
 * what was retracted (a retracted id never comes back), as the UI does (app/lib/notification-center.ts).
 * A catch-up here reads up to 100 items, more than any test makes, so it lists the whole inbox.
 */
export function shownIds(received: Received[]): Set<string> {
  // id -> when this tab got it (performance.now())
  const ids = new Map<string, number>();
  const retracted = new Set<string>();
  for (const r of received) {
    if (r.event === "notification" && !retracted.has(r.payload.id) && !ids.has(r.payload.id))
      ids.set(r.payload.id, r.at);
    if (r.event === "notification:retracted") {
      retracted.add(r.payload.id);
      ids.delete(r.payload.id);
    }
    if (r.event === "catch-up") {
      // A push that arrived while the read was under way may be newer than the read's answer:
      // it stays, as in the UI (app/lib/notification-center.ts).
      const startedAt: number = r.more?.[0]?.startedAt ?? r.at;
      const listed = new Set<string>(r.payload.map((item: { id: string }) => item.id));
      for (const [id, at] of ids) if (!listed.has(id) && at < startedAt) ids.delete(id);
      for (const id of listed) if (!retracted.has(id) && !ids.has(id)) ids.set(id, r.at);
    }
  }
  return new Set(ids.keys());
}

export const retractions = (received: Received[]) =>
  received.filter((r) => r.event === "notification:retracted").map((r) => r.payload.id as string);

/** Whether a `notification` event asked for a toast (its second argument). */
export const toasted = (received: Received[]) =>
  received.filter((r) => r.event === "notification" && r.more?.[0]?.toast === true).map((r) => r.payload.id as string);

/** A Socket.IO client with the session cookie, as the browser opens it (WebSocket only). */
export async function connectSocket(
  baseUrl: string,
  client: ApiClient | null,
  opts: {
    rejectUnauthorized?: boolean;
    /** Re-read the inbox on every reconnect, as the browser does. */ catchUpOnReconnect?: boolean;
  } = {},
): Promise<{ socket: Socket; received: Received[]; hello: { instance: string } }> {
  const received: Received[] = [];
  const socket = io(baseUrl, {
    transports: ["websocket"],
    extraHeaders: client ? { cookie: client.cookieHeader() } : {},
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
  });
  socket.onAny((event, payload, ...more) =>
    received.push({ event, payload, ...(more.length ? { more } : {}), at: performance.now() }),
  );
  // As the browser does (app/components/realtime/RealtimeProvider.tsx): on "resync", re-read the
  // inbox; and, when asked, on every hello after the first (a reconnect).
  // The whole inbox, page by page (the UI reads the newest page and pages on as the user scrolls).
  const catchUp = async () => {
    if (!client) return;
    const startedAt = performance.now();
    const items: unknown[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const inbox: ApiResponse = await client.get(
        `/api/notifications?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      if (inbox.status !== 200) return;
      items.push(...inbox.body.items);
      cursor = inbox.body.nextCursor;
      if (!cursor) break;
    }
    received.push({ event: "catch-up", payload: items, more: [{ startedAt }], at: performance.now() });
  };
  socket.on("resync", () => void catchUp());
  let hellos = 0;
  socket.on("hello", () => {
    if (++hellos > 1 && opts.catchUpOnReconnect) void catchUp();
  });
  const hello = await new Promise<{ instance: string }>((resolve, reject) => {
    // A socket that never connected is closed, or its reconnection attempts keep the test process
    // (and the file's timeout) alive long after the failure.
    // Whether the transport (the WebSocket through nginx) opened tells a proxy or network stall
    // from a handshake the server never answered.
    let transportOpened = false;
    socket.io.once("open", () => (transportOpened = true));
    const timer = setTimeout(() => {
      socket.close();
      const where = transportOpened ? "the WebSocket opened, the handshake was never answered" : "no WebSocket opened";
      reject(new Error(`socket did not connect in 10 s (${where})`));
    }, 10_000);
    // Only the first connection's failure fails the call: later ones are reconnections, which
    // socket.io-client keeps trying (a test may stop the app and expect the socket back).
    const onConnectError = (error: Error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    };
    socket.once("hello", (h) => {
      clearTimeout(timer);
      socket.off("connect_error", onConnectError);
      resolve(h);
    });
    socket.once("connect_error", onConnectError);
  });
  return { socket, received, hello };
}

/** Polls until check() returns a value (not undefined/false), or fails with `what`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const notifications = (received: Received[]) =>
  received.filter((r) => r.event === "notification").map((r) => r.payload);
