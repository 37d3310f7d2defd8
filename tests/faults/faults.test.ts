// The fault suite (`npm run test:faults`): traffic against a stack of its own while one thing
// goes wrong at a time, then a count of what was lost or doubled. The stack is the local
// topology (tooling/stack.ts) with a fresh database, its own redis-server on its own port (so
// the suite may stop it; the machine's Redis is never touched), one app, one worker and nginx in
// front, supervised the way `npm run stack` supervises (tooling/supervisor.ts). All traffic
// stays on loopback. Loops are bounded in count and time; nothing asserts on speed. Every run
// writes its counts to test-results/reliability.md (tests/faults/report.ts).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import { after, before } from "node:test";
import { encode } from "next-auth/jwt";
import pg from "pg";
import type { SupervisorEvent } from "../../tooling/supervisor";
import { ApiClient } from "../../tooling/api-client";
import { nginxOnFreePorts } from "../../tooling/nginx";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  shownIds,
  signedInClient,
  startTestStack,
  type Received,
  type TestStack,
  type TestUser,
} from "../support/harness";
import type { RunningPrometheus } from "../../tooling/prometheus";
import { faultCases } from "./cases";
import { startFaultObserver } from "./metrics";
import { closeConnections, isApiShape, pool, rawRequest, shuffled, sleep, Tally, type Answer } from "./support";

let stack: TestStack;
let prometheus: RunningPrometheus;
const supervisorEvents: (SupervisorEvent & { at: number })[] = [];

before(async () => {
  stack = await startTestStack("faults", {
    // Generous edge limits: the cases, not the rate limiter, decide what is refused.
    nginx: nginxOnFreePorts({
      apiRatePerSecond: 100_000,
      apiBurst: 100_000,
      signinRatePerMinute: 100_000,
      signinBurst: 10_000,
    }),
    supervise: { onEvent: (event) => supervisorEvents.push({ ...event, at: Date.now() }) },
    env: { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? "warn", NOTIFICATION_TOAST_COOLDOWN_MS: "0" },
  });
  prometheus = await startFaultObserver(stack, path.join(stack.runDir, "prometheus"));
});

/** An owner's open tab: a Socket.IO client through nginx, closed at the end even if a case fails. */
const openTabs: Awaited<ReturnType<typeof connectSocket>>[] = [];
async function openTab(client: ApiClient, opts: Parameters<typeof connectSocket>[2] = {}) {
  const tab = await connectSocket(stack.url, client, opts);
  openTabs.push(tab);
  return tab;
}

after(async () => {
  for (const tab of openTabs) tab.socket.close();
  closeConnections();
  await prometheus?.stop();
  await stack?.stop();
  writeReport();
});

const { faultCase, writeReport } = faultCases("faults", () => prometheus);

// --- shared helpers --------------------------------------------------------------------------------

async function users(count: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => createUser(stack.db)));
}

async function clientsFor(list: TestUser[]): Promise<ApiClient[]> {
  return pool(list.length, 10, (i) => signedInClient(stack.url, list[i]!));
}

async function postsOf(owner: TestUser, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createPost(stack.db, owner.id)).id);
  return ids;
}

function likeRequest(client: ApiClient, postId: string, method: "PUT" | "DELETE" = "PUT"): Promise<Answer> {
  return rawRequest(stack.url, {
    method,
    path: `/api/posts/${postId}/like`,
    headers: { cookie: client.cookieHeader(), accept: "application/json" },
  });
}

/** The current process of a supervised child (it changes at each restart). */
/** Sends one like again, `retryMs` apart, until it is answered 200 (when: returned) or 30 s pass (null). */
async function likeUntilOk(client: ApiClient, postId: string, tally: Tally, label: string, retryMs: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await likeRequest(client, postId);
    tally.add(answer, label);
    if (answer.status === 200) return Date.now();
    if (Date.now() > deadline) return null;
    await sleep(retryMs);
  }
}

/**
 * Waits for a notification row per like answered 200 (`owed`) and for the tabs to show them; then
 * counts the rows no tab shows and the pushes a tab received twice.
 */
async function owedNotificationsShown(tabsToCheck: Tab[], ownerIds: string[], likerIds: string[], owed: number) {
  const rows = await eventually(
    "every owed notification stored",
    async () => {
      const ids = await notificationIdsFor(ownerIds, likerIds);
      return ids.length === owed && ids;
    },
    60_000,
    200,
  );
  await allShown(tabsToCheck, async () => rows, 30_000);
  const shown = new Set(tabsToCheck.flatMap((t) => [...shownIds(t.received)]));
  return {
    lost: owed - rows.filter((id) => shown.has(id)).length,
    duplicated: duplicatesIn(tabsToCheck.flatMap((t) => pushes(t.received))),
  };
}

function current(name: string) {
  const proc = stack.supervisor!.current(name);
  assert.ok(proc, `${name} is supervised`);
  return proc;
}

async function restartedAfter(name: string, since: number, timeoutMs = 60_000): Promise<number> {
  const event = await eventually(
    `${name} restarted`,
    () => supervisorEvents.find((e) => e.kind === "restarted" && e.name === name && e.at >= since),
    timeoutMs,
    50,
  );
  return event.at;
}

const pushes = (received: Received[]) =>
  received.filter((r) => r.event === "notification").map((r) => r.payload.id as string);

function duplicatesIn(ids: string[]): number {
  return ids.length - new Set(ids).size;
}

async function notificationIdsFor(recipientIds: string[], actorIds: string[]): Promise<string[]> {
  const rows = await stack.db.notification.findMany({
    where: { recipientId: { in: recipientIds }, actorId: { in: actorIds } },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * Owners with photos and their tabs open, likers signed in, and every (liker, photo) pair once,
 * in a fixed shuffled order: each pair is one distinct like, so each owes exactly one notification.
 */
async function likeScene(opts: {
  owners: number;
  postsPerOwner: number;
  likers: number;
  seed: number;
  catchUpOnReconnect?: boolean;
}) {
  const owners = await users(opts.owners);
  const likers = await users(opts.likers);
  const posts = (await Promise.all(owners.map((o) => postsOf(o, opts.postsPerOwner)))).flat();
  const likerClients = await clientsFor(likers);
  const tabs = await Promise.all(
    (await clientsFor(owners)).map((c) => openTab(c, { catchUpOnReconnect: opts.catchUpOnReconnect })),
  );
  const pairs = shuffled(
    likers.flatMap((l, i) =>
      posts.map((p) => ({ client: likerClients[i]!, liker: l.id, post: p, key: `${l.id}:${p}` })),
    ),
    opts.seed,
  );
  return { owners, likers, ownerIds: owners.map((o) => o.id), likerIds: likers.map((l) => l.id), tabs, pairs };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

type Tab = Awaited<ReturnType<typeof connectSocket>>;

/**
 * Waits until the tabs together show every id in `expected` (pushed, or read on a catch-up), and
 * answers when that happened (epoch ms). On timeout, says what is missing and how the tabs got
 * what they have.
 */
async function allShown(tabsToCheck: Tab[], expected: () => Promise<string[]>, timeoutMs: number): Promise<number> {
  let last = { expected: 0, shown: 0, missing: [] as string[] };
  try {
    return await eventually(
      "the tabs show every notification",
      async () => {
        const ids = await expected();
        const shown = new Set(tabsToCheck.flatMap((t) => [...shownIds(t.received)]));
        const missing = ids.filter((id) => !shown.has(id));
        last = { expected: ids.length, shown: shown.size, missing };
        return missing.length === 0 && Date.now();
      },
      timeoutMs,
      200,
    );
  } catch (error) {
    const events = tabsToCheck.flatMap((t) => t.received.map((r) => r.event));
    const count = (name: string) => events.filter((e) => e === name).length;
    throw new Error(
      `${(error as Error).message}: ${last.missing.length} of ${last.expected} missing (e.g. ${last.missing.slice(0, 3).join(", ")}); ` +
        `tabs got ${count("notification")} pushes, ${count("catch-up")} catch-up reads, ${count("hello")} hellos, ${count("resync")} resyncs`,
    );
  }
}

/** When a tab got each notification id first (epoch ms). */
function arrivalTimes(tabsToCheck: Tab[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const t of tabsToCheck) {
    for (const r of t.received) {
      const ids: string[] =
        r.event === "notification"
          ? [r.payload.id]
          : r.event === "catch-up"
            ? r.payload.map((n: { id: string }) => n.id)
            : [];
      for (const id of ids) if (!times.has(id)) times.set(id, performance.timeOrigin + r.at);
    }
  }
  return times;
}

// --- R1 ------------------------------------------------------------------------------------------

faultCase("R1", "worker SIGKILLed twice during 1,000 likes", async (r) => {
  const { ownerIds, likerIds, tabs, pairs } = await likeScene({ owners: 5, postsPerOwner: 10, likers: 20, seed: 1 });
  r.load = "20 users each like 50 photos of 5 online owners: 1,000 likes, 20 at a time, through nginx";
  r.fault = "SIGKILL of the worker after 300 and after 700 answers; the supervisor restarts it";

  const tally = new Tally();
  const likedOk: { liker: string; post: string }[] = [];
  let answered = 0;
  const kills: number[] = [];
  await pool(pairs.length, 20, async (i) => {
    const { client, liker, post } = pairs[i]!;
    const answer = await likeRequest(client, post);
    tally.add(answer, `like ${i}`);
    if (answer.status === 200) likedOk.push({ liker, post });
    answered++;
    if (answered === 300 || answered === 700) {
      kills.push(Date.now());
      current("worker-1").child.kill("SIGKILL");
    }
  });
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "every request answered 2xx or in the JSON shape");
  assert.equal(kills.length, 2);
  const back = await restartedAfter("worker-1", kills[1]!);

  // Every like answered 2xx owes one notification row and one push to its owner's open tab.
  await eventually(
    "every owed notification stored",
    async () => (await notificationIdsFor(ownerIds, likerIds)).length === likedOk.length,
    60_000,
    200,
  );
  const delivered = await allShown(tabs, () => notificationIdsFor(ownerIds, likerIds), 60_000);
  await sleep(1000); // a late duplicate would arrive now
  const rows = await notificationIdsFor(ownerIds, likerIds);
  const allPushes = tabs.flatMap((t) => pushes(t.received));
  r.duplicated = duplicatesIn(allPushes);
  r.lost = likedOk.length - rows.filter((id) => allPushes.includes(id)).length;
  r.recovery = `worker back ${seconds(back - kills[1]!)} after the 2nd kill; all delivered ${seconds(delivered - kills[1]!)} after it`;
  r.notes.push(
    `answers: ${tally.summary()}`,
    `${rows.length} notification rows for ${likedOk.length} likes answered 2xx; ${allPushes.length} pushes received`,
  );
  for (const t of tabs) t.socket.close();
  assert.equal(tally.ok, 1000);
  assert.equal(rows.length, 1000);
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
});

// --- R2 ------------------------------------------------------------------------------------------

faultCase("R2", "Redis stopped for 10 s during likes", async (r) => {
  const { ownerIds, likerIds, tabs, pairs } = await likeScene({ owners: 3, postsPerOwner: 10, likers: 10, seed: 2 });
  r.load = "10 users like 30 photos of 3 online owners: 300 likes, paced over about 16 s";
  r.fault = "the stack's redis-server stopped 3 s in, started again (empty) 10 s later";

  const tally = new Tally();
  const okDuring: { liker: string; post: string }[] = [];
  const likedOk: { liker: string; post: string }[] = [];
  let redisDown = false;
  let redisBackAt = 0;
  const outage = (async () => {
    await sleep(3000);
    await stack.redis.stop();
    redisDown = true;
    await sleep(10_000);
    await stack.redis.start();
    redisDown = false;
    redisBackAt = Date.now();
  })();
  await pool(pairs.length, 6, async (i) => {
    const { client, liker, post } = pairs[i]!;
    await sleep(300); // about 20 likes a second in all
    const answer = await likeRequest(client, post);
    tally.add(answer, `like ${i}`);
    if (answer.status === 200) {
      likedOk.push({ liker, post });
      if (redisDown) okDuring.push({ liker, post });
    }
  });
  await outage;
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "every request answered 2xx or in the JSON shape");

  // No like answered 2xx is lost...
  const likeRows = await stack.db.like.count({ where: { userId: { in: likerIds } } });
  // ...and every notification it owes reaches the owner's open tab, pushed or by the resync read.
  await eventually(
    "every owed notification stored",
    async () => (await notificationIdsFor(ownerIds, likerIds)).length === likedOk.length,
    30_000,
    200,
  );
  await allShown(tabs, () => notificationIdsFor(ownerIds, likerIds), 30_000);
  // The notifications owed by likes made during the outage: when did the last one reach its tab?
  const owedDuring = await stack.db.notification.findMany({
    where: { OR: okDuring.map((p) => ({ actorId: p.liker, postId: p.post })) },
    select: { id: true },
  });
  const arrivals = arrivalTimes(tabs);
  const lastOwed = Math.max(...owedDuring.map((n) => arrivals.get(n.id) ?? Infinity));
  const allPushes = tabs.flatMap((t) => pushes(t.received));
  r.duplicated = duplicatesIn(allPushes);
  r.lost = likedOk.length - likeRows + (likedOk.length - (await notificationIdsFor(ownerIds, likerIds)).length);
  r.recovery = `the ${owedDuring.length} notifications owed by likes made during the outage all shown ${seconds(lastOwed - redisBackAt)} after Redis returned`;
  r.notes.push(
    `answers: ${tally.summary()}; ${okDuring.length} likes answered 200 while Redis was down (docs/decisions/017-likes-survive-a-redis-outage.md)`,
    `${allPushes.length} pushes; the rest reached the tabs through the resync read of the inbox`,
  );
  for (const t of tabs) t.socket.close();
  assert.ok(okDuring.length > 0, "likes kept succeeding during the outage");
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
});

// --- R3 ------------------------------------------------------------------------------------------

faultCase("R3", "app SIGKILLed and restarted while the owner's socket is connected", async (r) => {
  const [owner, liker] = await users(2);
  const posts = await postsOf(owner!, 40);
  const ownerClient = await signedInClient(stack.url, owner!);
  const likerClient = await signedInClient(stack.url, liker!);
  const tab = await openTab(ownerClient, { catchUpOnReconnect: true });
  r.load = "one user likes 40 photos of one online owner, one at a time, retrying what is refused";
  r.fault = "SIGKILL of the app after the 10th like; the supervisor restarts it";

  const tally = new Tally();
  let killedAt = 0;
  const hellosBefore = tab.received.filter((x) => x.event === "hello").length;
  for (let i = 0; i < posts.length; i++) {
    if (i === 10) {
      killedAt = Date.now();
      current("app-1").child.kill("SIGKILL");
    }
    // A refused like (nginx's 502 while the app is down) is retried, as a user would, for up to 30 s.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await likeRequest(likerClient, posts[i]!);
      tally.add(answer, `like ${i}`);
      if (answer.status === 200 || Date.now() > deadline) break;
      await sleep(200);
    }
  }
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "every request answered 2xx or in the JSON shape");
  const back = await restartedAfter("app-1", killedAt);
  const reconnected = await eventually(
    "the owner's socket reconnected",
    () => {
      const hello = tab.received.filter((x) => x.event === "hello")[hellosBefore];
      return hello && performance.timeOrigin + hello.at;
    },
    30_000,
  );

  await eventually(
    "40 notifications stored",
    async () => (await notificationIdsFor([owner!.id], [liker!.id])).length === 40,
    30_000,
    200,
  );
  const rows = await notificationIdsFor([owner!.id], [liker!.id]);
  await allShown([tab], async () => rows, 30_000);
  const shown = shownIds(tab.received);
  r.duplicated = duplicatesIn(pushes(tab.received));
  r.lost = 40 - [...shown].filter((id) => rows.includes(id)).length;
  r.recovery = `app back ${seconds(back - killedAt)} after the kill; the socket reconnected ${seconds(reconnected - killedAt)} after it and caught up`;
  r.notes.push(
    `answers: ${tally.summary()} (the refusals are nginx's JSON 502 while the app was down)`,
    `${pushes(tab.received).length} pushes, the rest from the catch-up read on reconnect`,
  );
  tab.socket.close();
  assert.equal(shown.size, rows.length, "nothing shown that is not in the inbox");
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
});

// --- R4 ------------------------------------------------------------------------------------------

faultCase("R4", "1,000 concurrent likes and unlikes from 50 users on one post", async (r) => {
  const [owner] = await users(1);
  const [post] = await postsOf(owner!, 1);
  const fans = await users(50);
  const clients = await clientsFor(fans);
  r.load = "50 users × 20 requests (like or unlike at random), every user's in order, all users at once";
  r.fault = "contention: every request updates the same Post row";
  const tally = new Tally();
  const last = new Map<number, "PUT" | "DELETE">();
  await Promise.all(
    clients.map(async (client, u) => {
      for (let k = 0; k < 20; k++) {
        const method = createHash("sha256").update(`${u}:${k}`).digest()[0]! & 1 ? "PUT" : "DELETE";
        tally.add(await likeRequest(client, post!, method), `user ${u} request ${k}`);
        last.set(u, method);
      }
    }),
  );
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  const expected = [...last.values()].filter((m) => m === "PUT").length;
  const [{ likeCount }, likes] = await Promise.all([
    stack.db.post.findUniqueOrThrow({ where: { id: post! }, select: { likeCount: true } }),
    stack.db.like.count({ where: { postId: post! } }),
  ]);
  r.lost = Math.abs(expected - likes);
  r.recovery = "n/a";
  r.notes.push(
    `answers: ${tally.summary()}`,
    `expected ${expected} likes (users whose last request was a like); COUNT(likes) = ${likes}; likeCount = ${likeCount}`,
  );
  assert.equal(tally.ok, 1000, tally.summary());
  assert.equal(likes, expected);
  assert.equal(likeCount, expected);
});

// --- R5 and R6: hostile input and the auth matrix ----------------------------------------------------

/**
 * Something to protect: the owner's photo liked by `liker`, the owner's notification of it
 * unread; and a copy of a session of `revokedUser` taken before it was signed out.
 */
async function protectedScene(owner: TestUser, liker: TestUser, revokedUser: TestUser) {
  const [post] = await postsOf(owner, 1);
  const ownerClient = await signedInClient(stack.url, owner);
  const likerClient = await signedInClient(stack.url, liker);
  assert.equal((await likeRequest(likerClient, post!)).status, 200);
  const notificationId = await eventually(
    "the owner's notification",
    async () => (await notificationIdsFor([owner.id], [liker.id]))[0],
  );
  const revokedSession = await signedInClient(stack.url, revokedUser);
  const revokedCopy = revokedSession.copy();
  await revokedSession.signOut();
  return { post: post!, ownerClient, likerClient, notificationId, revokedCopy };
}

/** Row counts and read state that no refused request may change. */
async function writeSnapshot() {
  const [likes, notifications, unread, events, posts, usersCount, revoked, seen, signedOutEverywhere] =
    await Promise.all([
      stack.db.like.count(),
      stack.db.notification.count(),
      stack.db.notification.count({ where: { readAt: null } }),
      stack.db.outboxEvent.count(),
      stack.db.post.count(),
      stack.db.user.count(),
      stack.db.revokedSession.count(),
      stack.db.user.count({ where: { notificationsSeenAt: { not: null } } }),
      stack.db.user.count({ where: { sessionGeneration: { gt: 0 } } }),
    ]);
  return { likes, notifications, unread, events, posts, users: usersCount, revoked, seen, signedOutEverywhere };
}

const SESSION_COOKIE = "next-auth.session-token";

/** A session cookie next-auth would accept, but expired: signed with the stack's own secret. */
async function expiredCookie(user: TestUser): Promise<string> {
  const token = await encode({
    token: { sub: user.id, username: user.username, name: user.name, sid: "expired-session-0001" },
    secret: stack.env.NEXTAUTH_SECRET!,
    maxAge: -60,
  });
  return `${SESSION_COOKIE}=${token}`;
}

async function wrongSecretCookie(user: TestUser): Promise<string> {
  const token = await encode({
    token: { sub: user.id, username: user.username, name: user.name, sid: "wrong-secret-0001" },
    secret: "x".repeat(40),
    maxAge: 3600,
  });
  return `${SESSION_COOKIE}=${token}`;
}

faultCase("R5", "1,000+ malformed and hostile requests through nginx", async (r) => {
  const [owner, other, visitor] = await users(3);
  const {
    post,
    ownerClient,
    likerClient: visitorClient,
    notificationId,
    revokedCopy,
  } = await protectedScene(owner!, visitor!, other!);
  const before = await writeSnapshot();

  const valid = ownerClient.cookieHeader();
  const cookies = [
    "",
    `${SESSION_COOKIE}=garbage`,
    `${SESSION_COOKIE}=${"A".repeat(4000)}`,
    `${SESSION_COOKIE}=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.`,
    await expiredCookie(owner!),
    await wrongSecretCookie(owner!),
    revokedCopy.cookieHeader(),
    `${SESSION_COOKIE}.0=${"B".repeat(3000)}; ${SESSION_COOKIE}.1=${"C".repeat(3000)}`,
  ];
  const paths = [
    "/api/posts/%ZZ",
    "/api/posts/%C0%AF",
    "/api/posts/a%00b",
    "/api/posts/%E2%80%AE%20x",
    "/api/posts/..%2f..%2fetc%2fpasswd",
    "/api/../../etc/passwd",
    "/api//posts",
    `/api/posts/${"A".repeat(3000)}`,
    `/api/posts/${"A".repeat(9000)}`,
    "/api/posts/<script>alert(1)</script>",
    "/api/posts/1'%20OR%20'1'='1",
    "/api/posts?limit=-1",
    "/api/posts?limit=1e9",
    "/api/posts?cursor=%ZZ",
    "/api/posts?cursor=not-a-cursor",
    "/api/notifications?limit=abc",
    `/api/posts/${post}/likes?cursor=${"x".repeat(500)}`,
    "/api/users/%00/posts",
    "/api/users/..%2f..%2fposts/posts",
    `/api/users/${"u".repeat(200)}/posts`,
    "/api/health?scope=../../",
    "/api/nope",
    "/api/auth/..%2f..%2fposts",
  ];
  const bodies: { type: string; body: string | Buffer }[] = [
    { type: "application/json", body: "{" },
    { type: "application/json", body: "null" },
    { type: "application/json", body: '{"ids":"x"}' },
    { type: "application/json", body: '{"ids":[1,2,3]}' },
    { type: "application/json", body: '{"all":"yes"}' },
    {
      type: "application/json",
      body: `{"ids":["${notificationId}"],"userId":"${other!.id}"}`.replace(notificationId!, "not-mine"),
    },
    { type: "application/json", body: "[".repeat(5000) },
    { type: "application/json", body: JSON.stringify({ ids: Array.from({ length: 3000 }, (_, i) => `id${i}`) }) },
    { type: "application/json", body: Buffer.from([0xff, 0xfe, 0xfd, 0x7b]) },
    { type: "text/plain", body: "all=true" },
    { type: "application/x-www-form-urlencoded", body: "all=true" },
    {
      type: "multipart/form-data; boundary=x",
      body: "--x\r\nContent-Disposition: form-data; name=all\r\n\r\ntrue\r\n--x--",
    },
    { type: "application/json", body: Buffer.alloc(2 * 1024 * 1024, 0x20) },
  ];

  type Spec = { method: string; path: string; headers: Record<string, string>; body?: string | Buffer };
  const specs: Spec[] = [];
  // Every hostile path, with every kind of cookie (and none), read-only methods and mutations.
  for (const path of paths)
    for (const cookie of cookies)
      for (const method of ["GET", "PUT"]) specs.push({ method, path, headers: cookie ? { cookie } : {} });
  // Strange methods on real endpoints, with a valid session.
  for (const method of ["TRACE", "PROPFIND", "FOO", "PATCH", "POST", "OPTIONS", "MKCOL", "LOCK"]) {
    for (const path of [`/api/posts/${post}/like`, "/api/notifications/read", "/api/posts", "/"])
      specs.push({ method, path, headers: { cookie: valid } });
  }
  // Broken bodies to the one endpoint with a body, valid session and forged.
  for (const b of bodies)
    for (const cookie of [valid, cookies[1]!])
      specs.push({
        method: "POST",
        path: "/api/notifications/read",
        headers: { cookie, "content-type": b.type },
        body: b.body,
      });
  // Oversized and odd headers.
  for (const cookie of [valid, ""]) {
    specs.push({ method: "GET", path: "/api/posts", headers: { cookie, "x-big": "a".repeat(9000) } });
    specs.push({ method: "GET", path: "/api/posts", headers: { cookie: `${cookie}; pad=${"p".repeat(9000)}` } });
    specs.push({
      method: "GET",
      path: "/api/posts",
      headers: { cookie, ...Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x-h${i}`, "v".repeat(60)])) },
    });
    // (DELETE: the owner never liked their own photo, so even an accepted request changes nothing.)
    specs.push({
      method: "DELETE",
      path: `/api/posts/${post}/like`,
      headers: { cookie, "content-encoding": "gzip", "content-type": "application/json" },
      body: "not gzip",
    });
  }
  // Cross-origin mutations with a valid session: refused, even for the user's own photo.
  for (const origin of ["https://evil.example", "null", "http://localhost.evil.example", "http://127.0.0.1:1"]) {
    for (const [method, path] of [
      ["PUT", `/api/posts/${post}/like`],
      ["DELETE", `/api/posts/${post}/like`],
      ["POST", "/api/notifications/read"],
      ["POST", "/api/notifications/seen"],
    ] as const) {
      specs.push({
        method,
        path,
        headers: { cookie: valid, origin, "content-type": "application/json" },
        body: method === "POST" ? '{"all":true}' : undefined,
      });
    }
    specs.push({
      method: "PUT",
      path: `/api/posts/${post}/like`,
      headers: { cookie: valid, "sec-fetch-site": "cross-site" },
    });
  }
  // Other people's ids: the visitor marks the owner's notification read, unlikes as the owner.
  for (let i = 0; i < 5; i++) {
    specs.push({
      method: "POST",
      path: "/api/notifications/read",
      headers: { cookie: visitorClient.cookieHeader(), "content-type": "application/json" },
      body: JSON.stringify({ ids: [notificationId] }),
    });
    specs.push({
      method: "DELETE",
      path: `/api/posts/${post}/like?userId=${visitor!.id}`,
      headers: { cookie: valid, "content-type": "application/json" },
      body: JSON.stringify({ userId: visitor!.id }),
    });
  }
  // Repeat the set until there are at least 1,000.
  const all: Spec[] = [];
  while (all.length < 1000) all.push(...specs);
  r.load = `${all.length} requests (${specs.length} distinct), 16 at a time: paths, methods, encodings, bodies, content types, oversized headers and bodies, forged/expired/revoked cookies, cross-origin, other users' ids`;
  r.fault = "hostile and malformed input";

  const tally = new Tally();
  const wrongShape: string[] = [];
  await pool(all.length, 16, async (i) => {
    const spec = all[i]!;
    const oversized = (spec.body?.length ?? 0) > 1_000_000;
    const answer = await rawRequest(stack.url, { ...spec, fresh: oversized });
    // Oversized requests: nginx may answer and close before the whole body was sent; the client
    // then sees the reset. Ask again, announcing the body without sending it, to read the answer.
    const final =
      answer.status === 0 && oversized
        ? await rawRequest(stack.url, {
            ...spec,
            headers: { ...spec.headers, "content-length": String(spec.body!.length) },
            body: undefined,
            timeoutMs: 3000,
            fresh: true,
          })
        : answer;
    const where = `${spec.method} ${spec.path.slice(0, 60)}`;
    if (final.status >= 500 || final.status === 0)
      tally.other.push(`${where}: ${final.status} ${final.error ?? final.body.slice(0, 100)}`);
    else if (spec.path.startsWith("/api") && !isApiShape(final))
      wrongShape.push(`${where}: ${final.status} ${final.contentType}`);
    else tally.add(final, where, !spec.path.startsWith("/api"));
  });
  const afterRun = await writeSnapshot();
  Object.assign(r, { sent: all.length, ok: tally.ok, refused: tally.refused });
  r.lost = 0;
  r.recovery = "n/a";
  r.notes.push(
    `answers: ${tally.summary()}`,
    `rows and read state before and after: ${JSON.stringify(before) === JSON.stringify(afterRun) ? "identical" : `CHANGED ${JSON.stringify(before)} -> ${JSON.stringify(afterRun)}`}`,
  );
  if (tally.other.length) r.notes.push(`5xx or no answer: ${tally.other.slice(0, 5).join("; ")}`);
  if (wrongShape.length) r.notes.push(`not the JSON shape: ${wrongShape.slice(0, 5).join("; ")}`);
  assert.deepEqual(tally.other, [], "no 5xx, every request answered");
  assert.deepEqual(wrongShape, [], "/api always answers the JSON shape");
  assert.deepEqual(afterRun, before, "nothing written");
});

faultCase(
  "R6",
  "the auth matrix: no, forged, expired, revoked session; cross-origin; another user's resource",
  async (r) => {
    const [owner, other] = await users(2);
    const {
      post,
      ownerClient,
      likerClient: otherClient,
      notificationId: ownersNotification,
      revokedCopy,
    } = await protectedScene(owner!, other!, other!);
    const before = await writeSnapshot();

    const credentials: [string, Record<string, string>, number][] = [
      ["no session", {}, 401],
      ["forged cookie", { cookie: `${SESSION_COOKIE}=forged` }, 401],
      ["expired session", { cookie: await expiredCookie(other!) }, 401],
      ["signed with another secret", { cookie: await wrongSecretCookie(other!) }, 401],
      ["revoked (signed out) session", { cookie: revokedCopy.cookieHeader() }, 401],
      ["valid session, cross-origin", { cookie: otherClient.cookieHeader(), origin: "https://evil.example" }, 403],
      ["valid session, cross-site fetch", { cookie: otherClient.cookieHeader(), "sec-fetch-site": "cross-site" }, 403],
    ];
    const endpoints: [string, string, string | undefined][] = [
      ["PUT", `/api/posts/${post}/like`, undefined],
      ["DELETE", `/api/posts/${post}/like`, undefined],
      ["POST", "/api/notifications/read", '{"all":true}'],
      ["POST", "/api/notifications/seen", undefined],
      // Sign out everywhere: refused like the rest (none of these credentials may end a session).
      ["DELETE", "/api/sessions", undefined],
    ];
    const tally = new Tally();
    const wrong: string[] = [];
    const rows: string[] = [];
    for (const [name, headers, expected] of credentials) {
      const statuses: number[] = [];
      for (const [method, path, body] of endpoints) {
        const answer = await rawRequest(stack.url, {
          method,
          path,
          headers: { ...headers, "content-type": "application/json" },
          body,
        });
        tally.add(answer, `${name} ${method} ${path}`);
        statuses.push(answer.status);
        if (answer.status !== expected || !isApiShape(answer))
          wrong.push(`${name} ${method} ${path}: ${answer.status}`);
      }
      rows.push(`${name}: ${statuses.join(", ")}`);
    }
    // Another user's resource: the owner's notification, marked read by someone else; a like taken
    // back "as" the owner by naming them in the body and query. Both act on the caller only.
    const foreignRead = await rawRequest(stack.url, {
      method: "POST",
      path: "/api/notifications/read",
      headers: { cookie: otherClient.cookieHeader(), "content-type": "application/json" },
      body: JSON.stringify({ ids: [ownersNotification] }),
    });
    tally.add(foreignRead, "foreign read");
    const foreignUnlike = await rawRequest(stack.url, {
      method: "DELETE",
      path: `/api/posts/${post}/like?userId=${owner!.id}`,
      headers: { cookie: ownerClient.cookieHeader(), "content-type": "application/json" },
      body: JSON.stringify({ userId: other!.id }),
    });
    tally.add(foreignUnlike, "foreign unlike");
    rows.push(
      `another user's notification marked read: ${foreignRead.status}, only the caller's own counts returned, nothing changed`,
    );
    rows.push(
      `unlike naming another user in body and query: ${foreignUnlike.status}, acts on the caller's own (absent) like, nothing changed`,
    );
    const afterRun = await writeSnapshot();
    Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused, lost: 0, recovery: "n/a" });
    r.load = `${credentials.length} kinds of credential × ${endpoints.length} mutating endpoints, plus 2 requests on another user's resources`;
    r.fault = "unauthenticated, forged, expired, revoked and cross-origin callers";
    r.notes.push(
      ...rows,
      `rows and read state: ${JSON.stringify(before) === JSON.stringify(afterRun) ? "unchanged" : "CHANGED"}`,
    );
    assert.deepEqual(wrong, []);
    assert.equal(foreignRead.status, 200);
    assert.deepEqual(
      JSON.parse(foreignRead.body),
      { unreadCount: 0, unseenCount: 0 },
      "the caller's own counts, not the owner's",
    );
    assert.equal(foreignUnlike.status, 200);
    assert.deepEqual(afterRun, before, "nothing written");
  },
);

// --- R7 ------------------------------------------------------------------------------------------

faultCase("R7", "SIGTERM to the worker, then to the app, under load", async (r) => {
  const { ownerIds, likerIds, tabs, pairs } = await likeScene({
    owners: 1,
    postsPerOwner: 25,
    likers: 20,
    seed: 7,
    catchUpOnReconnect: true,
  });
  const tab = tabs[0]!;
  r.load = "20 users like 25 photos of one online owner: 500 likes, 20 at a time, refused ones retried";
  r.fault = "SIGTERM to the worker after 150 answers, to the app after 300; the supervisor restarts both";

  const tally = new Tally();
  const likedOk = new Set<string>();
  let answered = 0;
  let workerTermAt = 0;
  let appTermAt = 0;
  await pool(pairs.length, 20, async (i) => {
    const { client, key, post } = pairs[i]!;
    if ((await likeUntilOk(client, post, tally, `like ${i}`, 200)) !== null) likedOk.add(key);
    answered++;
    if (answered === 150) {
      workerTermAt = Date.now();
      current("worker-1").child.kill("SIGTERM");
    }
    if (answered === 300) {
      appTermAt = Date.now();
      current("app-1").child.kill("SIGTERM");
    }
  });
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "every request answered (no reset, no HTML)");
  const workerBack = await restartedAfter("worker-1", workerTermAt);
  const appBack = await restartedAfter("app-1", appTermAt);
  const workerExit = supervisorEvents.find(
    (e) => e.kind === "exited" && e.name === "worker-1" && e.at >= workerTermAt,
  ) as { how: string } | undefined;
  const appExit = supervisorEvents.find((e) => e.kind === "exited" && e.name === "app-1" && e.at >= appTermAt) as
    { how: string } | undefined;

  const owed = await owedNotificationsShown([tab], ownerIds, likerIds, likedOk.size);
  r.duplicated = owed.duplicated;
  r.lost = owed.lost;
  r.recovery = `worker back ${seconds(workerBack - workerTermAt)} after its SIGTERM, app back ${seconds(appBack - appTermAt)} after its`;
  r.notes.push(
    `answers: ${tally.summary()}${tally.refused ? " (refusals: nginx's JSON 502 while the app was restarting)" : ""}`,
    `the worker exited with ${workerExit?.how ?? "?"} after finishing its jobs in hand; the app with ${appExit?.how ?? "?"} after answering the requests in flight`,
  );
  tab.socket.close();
  assert.equal(likedOk.size, 500);
  assert.equal(workerExit?.how, "exit code 0", "the worker stopped gracefully");
  assert.equal(appExit?.how, "exit code 0", "the app stopped gracefully");
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
});

// --- R8 ------------------------------------------------------------------------------------------

faultCase("R8", "Postgres connections of the app and the worker killed during likes", async (r) => {
  const { ownerIds, likerIds, tabs, pairs } = await likeScene({
    owners: 2,
    postsPerOwner: 15,
    likers: 10,
    seed: 8,
    catchUpOnReconnect: true,
  });
  r.load = "10 users like 30 photos of 2 online owners: 300 likes, 10 at a time, refused ones retried";
  r.fault = "pg_terminate_backend on every connection of the app and the worker, 3 times, 0.8 s apart";

  const admin = new pg.Client({ connectionString: stack.databaseUrl });
  await admin.connect();
  const database = new URL(stack.databaseUrl).pathname.slice(1);
  const exitsBefore = supervisorEvents.filter((e) => e.kind === "exited").length;
  const terminations: { at: number; count: number }[] = [];
  const tally = new Tally();
  const likedOk = new Set<string>();
  const okTimes: number[] = [];
  const killer = (async () => {
    await sleep(500);
    for (let round = 0; round < 3; round++) {
      const at = Date.now();
      const { rows } = await admin.query<{ killed: boolean }>(
        "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [database],
      );
      terminations.push({ at, count: rows.filter((x) => x.killed).length });
      await sleep(800);
    }
  })();
  await pool(pairs.length, 10, async (i) => {
    const { client, key, post } = pairs[i]!;
    await sleep(100); // about 3.5 s of traffic in all: the three kills fall inside it
    const okAt = await likeUntilOk(client, post, tally, `like ${i}`, 100);
    if (okAt !== null) {
      likedOk.add(key);
      okTimes.push(okAt);
    }
  });
  await killer;
  await admin.end();
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "no HTML error, no unanswered request");
  const recoveries = terminations.map((t) => {
    const next = okTimes.filter((ok) => ok >= t.at).sort((a, b) => a - b)[0];
    return next === undefined ? "none" : `${next - t.at} ms`;
  });

  const owed = await owedNotificationsShown(tabs, ownerIds, likerIds, likedOk.size);
  r.duplicated = owed.duplicated;
  r.lost = owed.lost;
  r.recovery = `no restart; a like succeeded again ${recoveries.join(", ")} after each of the 3 kills`;
  r.notes.push(
    `answers: ${tally.summary()}${tally.refused ? " (refusals: requests whose query lost its connection, answered in the JSON shape (503 unavailable with Retry-After), then retried)" : ""}`,
    `backends terminated per round: ${terminations.map((t) => t.count).join(", ")}`,
  );
  for (const t of tabs) t.socket.close();
  assert.equal(likedOk.size, 300);
  assert.ok(
    terminations.every((t) => t.count > 0),
    "backends were terminated each round",
  );
  assert.equal(
    supervisorEvents.filter((e) => e.kind === "exited").length,
    exitsBefore,
    "neither the app nor the worker died or restarted",
  );
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
});

// --- R12 -----------------------------------------------------------------------------------------

faultCase("R12", "PgBouncer restarted under load", async (r) => {
  const bouncer = stack.pgbouncer;
  assert.ok(bouncer, "the fault stack runs PgBouncer");
  const { ownerIds, likerIds, tabs, pairs } = await likeScene({
    owners: 2,
    postsPerOwner: 25,
    likers: 10,
    seed: 12,
    catchUpOnReconnect: true,
  });
  r.load = "10 users like 50 photos of 2 online owners: 500 likes, 10 at a time, refused ones retried";
  r.fault = "PgBouncer SIGKILLed, started again on its port 1 s later; then SIGTERMed and started again the same way";

  const exitsBefore = supervisorEvents.filter((e) => e.kind === "exited").length;
  const outages: { signal: string; downAt: number; upAt: number }[] = [];
  const tally = new Tally();
  const likedOk = new Set<string>();
  const okTimes: number[] = [];
  let flowing = true;
  const restarter = (async () => {
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      await sleep(1500);
      const downAt = Date.now();
      await bouncer.kill(signal);
      await sleep(1000);
      await bouncer.start();
      outages.push({ signal, downAt, upAt: Date.now() });
      if (!flowing) break;
    }
  })();
  await pool(pairs.length, 10, async (i) => {
    const { client, key, post } = pairs[i]!;
    await sleep(50); // about 5 s of traffic in all: both outages fall inside it
    const okAt = await likeUntilOk(client, post, tally, `like ${i}`, 100);
    if (okAt !== null) {
      likedOk.add(key);
      okTimes.push(okAt);
    }
  });
  flowing = false;
  await restarter;
  Object.assign(r, { sent: tally.sent, ok: tally.ok, refused: tally.refused });
  assert.deepEqual(tally.other, [], "every answer is JSON in the API's shape: no HTML error, no unanswered request");
  const recoveries = outages.map((o) => {
    const next = okTimes.filter((ok) => ok >= o.upAt).sort((a, b) => a - b)[0];
    return next === undefined ? "none" : `${next - o.upAt} ms`;
  });

  // Each 200 was a like the database kept; nothing beyond them (a like whose answer was lost was retried).
  const stored = await stack.db.like.count({
    where: { userId: { in: likerIds }, post: { authorId: { in: ownerIds } } },
  });
  const owed = await owedNotificationsShown(tabs, ownerIds, likerIds, likedOk.size);
  r.duplicated = owed.duplicated;
  r.lost = owed.lost + Math.abs(likedOk.size - stored);
  r.recovery = `a like succeeded again ${recoveries.join(", ")} after PgBouncer was back (${outages.map((o) => `${o.signal}: down ${seconds(o.upAt - o.downAt)}`).join(", ")})`;
  r.notes.push(
    `answers: ${tally.summary()}${tally.refused ? " (refusals: requests that found PgBouncer gone, answered in the API's JSON shape, then retried)" : ""}`,
    `likes in the database: ${stored} for ${likedOk.size} answered 200`,
  );
  for (const t of tabs) t.socket.close();
  assert.equal(outages.length, 2, "both outages fell inside the traffic");
  assert.ok(
    outages.every((o) => okTimes.some((ok) => ok < o.downAt)),
    "likes were flowing before each outage",
  );
  assert.equal(likedOk.size, 500);
  assert.equal(stored, likedOk.size, "likes answered 200 == likes in the database");
  assert.equal(
    supervisorEvents.filter((e) => e.kind === "exited").length,
    exitsBefore,
    "neither the app nor the worker died or restarted",
  );
  assert.equal(r.lost, 0);
  assert.equal(r.duplicated, 0);
});
