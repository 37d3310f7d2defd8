// Signing out ends the session everywhere a copy of its cookie lives: the API, the Socket.IO
// handshake and pages refuse it, and the session's open sockets are closed. Other sessions of the
// same user carry on.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { encode } from "next-auth/jwt";
import {
  ApiClient,
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
  await stack.db.revokedSession.create({ data: { id: "revoked-by-hand", userId: alice.id, expiresAt: new Date(Date.now() + 60_000) } });
  assert.equal(await withCookie(await encode({ token: { ...claims, sid: "revoked-by-hand" }, secret })), 401);
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
