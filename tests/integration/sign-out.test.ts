// Signing out ends the session everywhere a copy of its cookie lives: the API, the Socket.IO
// handshake and pages refuse it, and the session's open sockets are closed. Other sessions of the
// same user carry on.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { encode } from "next-auth/jwt";
import { ApiClient } from "../../tooling/api-client";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("signout");
});
after(() => stack?.stop());

test("sign-out revokes the session: its cookie is refused everywhere and its sockets close", async () => {
  const alice = await createUser(stack.db);
  const laptop = await signedInClient(stack.url, alice);
  const phone = await signedInClient(stack.url, alice); // a second, separate session
  const leaked = laptop.copy();
  const laptopTab = await connectSocket(stack.url, laptop);
  const phoneTab = await connectSocket(stack.url, phone);
  let laptopClosed: string | undefined;
  laptopTab.socket.once("disconnect", (reason) => (laptopClosed = reason));
  try {
    assert.equal((await leaked.get("/api/posts")).status, 200, "the copy works before sign-out");

    const signout = await laptop.signOut();
    assert.equal(signout.status, 200);
    assert.equal(laptop.isSignedIn(), false, "next-auth cleared the cookie");
    assert.equal(await eventually("the laptop's socket closed", () => laptopClosed), "io server disconnect");
    assert.equal(await stack.db.revokedSession.count({ where: { userId: alice.id } }), 1);

    // The copied cookie: no API, no socket, no page, no session.
    const api = await leaked.get("/api/posts");
    assert.equal(api.status, 401);
    assert.equal(api.body.error.code, "unauthenticated");
    await assert.rejects(connectSocket(stack.url, leaked), /unauthenticated/);
    const page = await leaked.raw("GET", "/notifications");
    assert.equal(page.status, 307);
    assert.match(page.headers.get("location") ?? "", /\/signin\?callbackUrl=%2Fnotifications$/);
    assert.deepEqual((await leaked.get("/api/auth/session")).body, {});

    // The other session is untouched: its API works and its socket still gets pushes.
    assert.equal(phoneTab.socket.connected, true);
    assert.equal((await phone.get("/api/posts")).status, 200);
    const post = await createPost(stack.db, alice.id);
    const bob = await signedInClient(stack.url, await createUser(stack.db));
    assert.equal((await bob.put(`/api/posts/${post.id}/like`)).status, 200);
    await eventually("the phone's tab notified", () => notifications(phoneTab.received)[0]);
    assert.equal(notifications(laptopTab.received).length, 0);
  } finally {
    laptopTab.socket.close();
    phoneTab.socket.close();
  }
});

test("a validly encrypted token is still refused without a session id; with a live one it is accepted", async () => {
  const alice = await createUser(stack.db);
  const secret = stack.env.NEXTAUTH_SECRET!;
  const claims = { sub: alice.id, username: alice.username, name: alice.name };
  const withCookie = async (token: string) => {
    const client = new ApiClient(stack.url);
    client.cookies.set("next-auth.session-token", token);
    return (await client.get("/api/posts")).status;
  };
  // Encrypted with the app's own secret, so only the missing `sid` can be why it is refused.
  assert.equal(await withCookie(await encode({ token: claims, secret })), 401);
  assert.equal(await withCookie(await encode({ token: { ...claims, sid: "not-revoked" }, secret })), 200);
  // Revoked by hand, the way server/session-revocation.ts does it: the row, then the message that
  // tells every app process's copy (server/revoked-sessions.ts).
  const revoked = await encode({ token: { ...claims, sid: "revoked-by-hand" }, secret });
  assert.equal(await withCookie(revoked), 200);
  await stack.db.revokedSession.create({
    data: { id: "revoked-by-hand", userId: alice.id, expiresAt: new Date(Date.now() + 60_000) },
  });
  const publisher = new Redis(stack.redis.url);
  try {
    await publisher.publish(`${stack.env.REDIS_PREFIX}:sessions:revoked`, "revoked-by-hand");
  } finally {
    publisher.disconnect();
  }
  await eventually("the revoked token is refused", async () => (await withCookie(revoked)) === 401, 2000, 5);
});

test("the worker's prune deletes revocations whose every copy has expired, and keeps the rest", async () => {
  // The prune runs against the stack's database, configured as the worker is: through its env.
  Object.assign(process.env, stack.env);
  const { pruneRevokedSessions } = await import("../../server/session-revocation");
  const { db } = await import("../../server/db");
  try {
    const alice = await createUser(stack.db);
    const now = Date.now();
    await stack.db.revokedSession.createMany({
      data: [
        { id: `expired-${alice.id}`, userId: alice.id, expiresAt: new Date(now - 1000) },
        { id: `live-${alice.id}`, userId: alice.id, expiresAt: new Date(now + 3600_000) },
      ],
    });
    assert.ok((await pruneRevokedSessions()) >= 1);
    const left = await stack.db.revokedSession.findMany({ where: { userId: alice.id }, select: { id: true } });
    assert.deepEqual(left, [{ id: `live-${alice.id}` }]);
  } finally {
    await db().$disconnect();
  }
});

test("two app instances: a sign-out on one is refused on the other, also while Redis is down", async () => {
  // Each app process answers "signed out?" from its own copy of the table, kept by Redis pub/sub
  // (server/revoked-sessions.ts); without the subscription it must ask Postgres again.
  const pair = await startTestStack("signout-pair", { apps: 2 });
  try {
    const [one, two] = pair.apps.map((a) => a.url) as [string, string];
    const user = await createUser(pair.db);

    const first = await signedInClient(one, user);
    const copyOnTwo = first.copy(two);
    assert.equal((await copyOnTwo.get("/api/posts")).status, 200, "the copy works on the other instance");
    const signedOutAt = performance.now();
    assert.equal((await first.signOut()).status, 200);
    await eventually(
      "the other instance refuses the copy",
      async () => (await copyOnTwo.get("/api/posts")).status === 401,
      5000,
      1,
    );
    console.log(
      `# the other instance refused the signed-out cookie ${(performance.now() - signedOutAt).toFixed(1)} ms after the sign-out began`,
    );

    // Redis away: the copies cannot hear the sign-out, so they must not trust themselves.
    const second = await signedInClient(one, user);
    const secondOnTwo = second.copy(two);
    assert.equal((await secondOnTwo.get("/api/posts")).status, 200);
    await pair.redis.stop();
    try {
      await eventually(
        "app two notices Redis is gone",
        async () => (await new ApiClient(two).get("/api/health?scope=instance")).status === 503,
        15_000,
        100,
      );
      assert.equal((await second.signOut()).status, 200, "signing out works without Redis (the row is in Postgres)");
      assert.equal((await secondOnTwo.get("/api/posts")).status, 401, "refused at once: checked in Postgres");
    } finally {
      await pair.redis.start();
    }
    // Back in sync: still refused, and a live session still works.
    const third = await signedInClient(one, user);
    await eventually(
      "the mirror is back and the live session works on two",
      async () => (await third.copy(two).get("/api/posts")).status === 200,
    );
    assert.equal((await secondOnTwo.get("/api/posts")).status, 401);
  } finally {
    await pair.stop();
  }
});
