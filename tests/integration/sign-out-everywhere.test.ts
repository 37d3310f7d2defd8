// "Sign out everywhere" (DELETE /api/sessions, docs/decisions/029-sign-out-everywhere.md): every
// session of the caller ends at once, wherever a copy of its cookie lives (API, pages, Socket.IO
// handshake), and every socket of theirs is closed, on every app instance. Other users carry on,
// and a sign-in afterwards starts a session that works.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { encode } from "next-auth/jwt";
import type { Socket } from "socket.io-client";
import { ApiClient } from "../../tooling/api-client";
import {
  assertError,
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
  stack = await startTestStack("signout-all");
});
after(() => stack?.stop());

/** The reason each socket was closed with, once it is. */
function closeReasons(sockets: Socket[]): (string | undefined)[] {
  const reasons: (string | undefined)[] = sockets.map(() => undefined);
  sockets.forEach((socket, i) => socket.once("disconnect", (reason) => (reasons[i] = reason)));
  return reasons;
}

/** Refused everywhere a session is read: the API (401 JSON), the socket handshake, a page, next-auth's session. */
async function assertRefusedEverywhere(client: ApiClient, what: string): Promise<void> {
  assertError(await client.get("/api/posts"), 401, "unauthenticated");
  await assert.rejects(connectSocket(client.baseUrl, client), /unauthenticated/, `${what}: socket handshake`);
  const page = await client.raw("GET", "/notifications");
  assert.equal(page.status, 307, `${what}: page`);
  assert.match(page.headers.get("location") ?? "", /\/signin\?callbackUrl=%2Fnotifications$/);
  assert.deepEqual((await client.get("/api/auth/session")).body, {}, `${what}: next-auth session`);
}

test("sign out everywhere ends all three sessions of the user, cookie copies and sockets included; another user's session carries on", async () => {
  const alice = await createUser(stack.db);
  const bob = await createUser(stack.db);
  const sessions = [
    await signedInClient(stack.url, alice),
    await signedInClient(stack.url, alice),
    await signedInClient(stack.url, alice),
  ];
  const copies = sessions.map((s) => s.copy()); // leaked or leftover copies of each cookie
  const asBob = await signedInClient(stack.url, bob);
  const tabs = await Promise.all(sessions.map((s) => connectSocket(stack.url, s)));
  const bobTab = await connectSocket(stack.url, asBob);
  const reasons = closeReasons(tabs.map((t) => t.socket));
  try {
    for (const copy of copies) assert.equal((await copy.get("/api/posts")).status, 200, "each copy works before");

    const answer = await sessions[0]!.delete("/api/sessions");
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { signedOut: true });
    assert.equal(sessions[0]!.isSignedIn(), false, "the answer cleared the caller's cookie");
    const cleared = answer.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    assert.match(cleared ?? "", /Max-Age=0/i);
    assert.match(cleared ?? "", /Path=\//i);
    assert.match(cleared ?? "", /HttpOnly/i);

    assert.deepEqual(await eventually("all three sockets closed", () => reasons.every(Boolean) && reasons), [
      "io server disconnect",
      "io server disconnect",
      "io server disconnect",
    ]);
    const row = await stack.db.user.findUniqueOrThrow({ where: { id: alice.id } });
    assert.equal(row.sessionGeneration, 1);
    assert.ok(row.sessionsRevokedAt);

    for (const [i, copy] of copies.entries()) await assertRefusedEverywhere(copy, `copy of session ${i + 1}`);
    // The other two sessions' own clients too (nothing cleared their cookies: they are simply dead).
    for (const client of sessions.slice(1)) assertError(await client.get("/api/posts"), 401, "unauthenticated");
    // A dead session cannot do it again.
    assertError(await copies[1]!.delete("/api/sessions"), 401, "unauthenticated");

    // Bob is untouched: his socket stayed, his API works, and he still gets pushes, here from a
    // session Alice signed in after signing out everywhere.
    assert.equal(bobTab.socket.connected, true);
    assert.equal((await asBob.get("/api/posts")).status, 200);
    const again = await signedInClient(stack.url, alice);
    assert.equal((await again.get("/api/posts")).status, 200, "a sign-in afterwards works");
    const againTab = await connectSocket(stack.url, again);
    againTab.socket.close();
    const post = await createPost(stack.db, bob.id);
    assert.equal((await again.put(`/api/posts/${post.id}/like`)).status, 200);
    const pushed = await eventually("bob notified", () => notifications(bobTab.received)[0]);
    assert.equal(pushed.actor.id, alice.id);
    assert.equal((await stack.db.user.findUniqueOrThrow({ where: { id: bob.id } })).sessionGeneration, 0);
  } finally {
    for (const tab of [...tabs, bobTab]) tab.socket.close();
  }
});

test("a cookie from before session generations (no gen claim) ends too; one minted with the new generation does not", async () => {
  const alice = await createUser(stack.db);
  const secret = stack.env.NEXTAUTH_SECRET!;
  const claims = { sub: alice.id, username: alice.username, name: alice.name };
  const client = async (token: Record<string, unknown>) => {
    const c = new ApiClient(stack.url);
    c.cookies.set("next-auth.session-token", await encode({ token: { ...claims, ...token }, secret }));
    return c;
  };
  const legacy = await client({ sid: "legacy-no-generation" });
  assert.equal((await legacy.get("/api/posts")).status, 200);
  const caller = await signedInClient(stack.url, alice);
  assert.equal((await caller.delete("/api/sessions")).status, 200);
  assertError(await legacy.get("/api/posts"), 401, "unauthenticated");
  assert.equal((await (await client({ sid: "at-generation-1", gen: 1 })).get("/api/posts")).status, 200);
  assertError(await (await client({ sid: "at-generation-0", gen: 0 })).get("/api/posts"), 401, "unauthenticated");
});

test("DELETE /api/sessions: anonymous is 401 JSON, another method is 405 JSON, a foreign Origin is 403 and ends nothing", async () => {
  const anon = new ApiClient(stack.url);
  assertError(await anon.delete("/api/sessions"), 401, "unauthenticated");
  const alice = await createUser(stack.db);
  const asAlice = await signedInClient(stack.url, alice);
  for (const method of ["GET", "POST", "PUT", "PATCH"]) {
    const res = await asAlice.request(method, "/api/sessions");
    assertError(res, 405, "method_not_allowed");
    assert.equal(res.headers.get("allow"), "DELETE, OPTIONS");
  }
  const forged = await asAlice.request("DELETE", "/api/sessions", undefined, { origin: "https://evil.example" });
  assertError(forged, 403, "forbidden");
  assert.equal((await asAlice.get("/api/posts")).status, 200, "the session survived the forged request");
  assert.equal((await stack.db.user.findUniqueOrThrow({ where: { id: alice.id } })).sessionGeneration, 0);
});

test("two app instances: sockets on the other instance close and its copies are refused, also while Redis is down", async () => {
  const pair = await startTestStack("signout-all-pair", { apps: 2 });
  try {
    const [one, two] = pair.apps.map((a) => a.url) as [string, string];
    const alice = await createUser(pair.db);
    const bob = await createUser(pair.db);
    const onOne = await signedInClient(one, alice);
    const onTwo = await signedInClient(two, alice);
    const asBob = await signedInClient(two, bob);
    const tabs = [await connectSocket(one, onOne), await connectSocket(two, onTwo), await connectSocket(two, onOne)];
    assert.deepEqual(
      tabs.map((t) => t.hello.instance),
      ["app-1", "app-2", "app-2"],
    );
    const bobTab = await connectSocket(two, asBob);
    const reasons = closeReasons(tabs.map((t) => t.socket));
    try {
      const signedOutAt = performance.now();
      assert.equal((await onOne.delete("/api/sessions")).status, 200);
      assert.deepEqual(
        await eventually("every socket closed, on both instances", () => reasons.every(Boolean) && reasons),
        ["io server disconnect", "io server disconnect", "io server disconnect"],
      );
      await eventually(
        "the other instance refuses the session",
        async () => (await onTwo.get("/api/posts")).status === 401,
        5000,
        1,
      );
      console.log(
        `# the other instance refused the session ${(performance.now() - signedOutAt).toFixed(1)} ms after sign out everywhere began`,
      );
      await assertRefusedEverywhere(onTwo, "the session on app two");
      assert.equal(bobTab.socket.connected, true, "bob's socket on app two stayed");
      assert.equal((await asBob.get("/api/posts")).status, 200);
    } finally {
      for (const tab of [...tabs, bobTab]) tab.socket.close();
    }

    // Redis away: app two cannot hear the news, so it must ask Postgres, and refuse at once.
    const later = await signedInClient(one, alice);
    const laterOnTwo = later.copy(two);
    assert.equal((await laterOnTwo.get("/api/posts")).status, 200);
    await pair.redis.stop();
    try {
      await eventually(
        "app two notices Redis is gone",
        async () => (await new ApiClient(two).get("/api/health?scope=instance")).status === 503,
        15_000,
        100,
      );
      assert.equal((await later.delete("/api/sessions")).status, 200, "works without Redis (the bump is in Postgres)");
      assertError(await laterOnTwo.get("/api/posts"), 401, "unauthenticated");
    } finally {
      await pair.redis.start();
    }
    const fresh = await signedInClient(one, alice);
    await eventually(
      "the mirror is back and a new session works on two",
      async () => (await fresh.copy(two).get("/api/posts")).status === 200,
    );
    assertError(await laterOnTwo.get("/api/posts"), 401, "unauthenticated");
    assert.equal((await pair.db.user.findUniqueOrThrow({ where: { id: alice.id } })).sessionGeneration, 2);
  } finally {
    await pair.stop();
  }
});
