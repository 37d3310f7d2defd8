// The HTTP API's contract (issue: sign in, feed, likes), against a real app, Postgres and Redis.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { ApiClient } from "../../tooling/api-client";
import {
  assertError,
  createPost,
  createUser,
  signedInClient,
  startTestStack,
  type TestStack,
  type TestUser,
} from "../support/harness";

let stack: TestStack;
let alice: TestUser;
let bob: TestUser;
let asAlice: ApiClient;
let bobPosts: { id: string }[];

before(async () => {
  stack = await startTestStack("api");
  alice = await createUser(stack.db);
  bob = await createUser(stack.db);
  bobPosts = [];
  for (let i = 0; i < 5; i++) bobPosts.push(await createPost(stack.db, bob.id, `bob photo ${i}`));
  asAlice = await signedInClient(stack.url, alice);
});
after(() => stack?.stop());

describe("authentication", () => {
  test("every API route refuses an anonymous caller with 401 JSON", async () => {
    const anon = new ApiClient(stack.url);
    const id = bobPosts[0]!.id;
    for (const [method, path] of [
      ["GET", "/api/posts"],
      ["GET", `/api/posts/${id}`],
      ["DELETE", `/api/posts/${id}`],
      ["PUT", `/api/posts/${id}/like`],
      ["DELETE", `/api/posts/${id}/like`],
      ["GET", "/api/notifications"],
      ["POST", "/api/notifications/read"],
      ["POST", "/api/notifications/seen"],
      ["DELETE", "/api/sessions"],
    ] as const) {
      assertError(await anon.request(method, path), 401, "unauthenticated");
    }
  });

  test("a forged session cookie is no session", async () => {
    const forged = new ApiClient(stack.url);
    forged.cookies.set("next-auth.session-token", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..bogus.bogus.bogus");
    assertError(await forged.get("/api/posts"), 401, "unauthenticated");
  });

  test("a wrong password signs no one in", async () => {
    const client = new ApiClient(stack.url);
    await client.signIn(alice.username, "wrong password");
    assert.equal(client.isSignedIn(), false);
    assertError(await client.get("/api/posts"), 401, "unauthenticated");
  });

  test("the session endpoint names the signed-in user", async () => {
    const res = await asAlice.get("/api/auth/session");
    assert.equal(res.body.user.id, alice.id);
    assert.equal(res.body.user.username, alice.username);
  });
});

describe("GET /api/posts", () => {
  test("returns posts newest first in the documented shape", async () => {
    const res = await asAlice.get("/api/posts?limit=3");
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 3);
    const [first] = res.body.items;
    assert.deepEqual(Object.keys(first).sort(), [
      "author",
      "caption",
      "createdAt",
      "id",
      "imageUrl",
      "likeCount",
      "likedByMe",
    ]);
    assert.deepEqual(Object.keys(first.author).sort(), ["avatarUrl", "id", "name", "username"]);
    assert.equal(typeof first.id, "string");
    assert.equal(first.id, bobPosts[4]!.id);
    const times = res.body.items.map((p: any) => Date.parse(p.createdAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.equal(typeof res.body.nextCursor, "string");
  });

  test("the cursor walks every post exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await asAlice.get(`/api/posts?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.items.map((p: any) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      [...bobPosts].reverse().map((p) => p.id),
    );
  });

  test("bad limit or cursor is a 400, never a 500", async () => {
    for (const q of [
      "limit=0",
      "limit=-1",
      "limit=abc",
      "limit=1000",
      "limit=2.5",
      "cursor=%%%",
      "cursor=bm9wZQ",
      "cursor=" + "A".repeat(500),
    ]) {
      assertError(await asAlice.get(`/api/posts?${q}`), 400, "invalid_request");
    }
  });
});

describe("GET /api/posts/:id", () => {
  test("returns one post", async () => {
    const res = await asAlice.get(`/api/posts/${bobPosts[0]!.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, bobPosts[0]!.id);
    assert.equal(res.body.author.id, bob.id);
    assert.equal(res.body.likedByMe, false);
  });

  test("unknown or malformed ids are 404", async () => {
    for (const id of ["doesnotexist123", "x".repeat(300), "%27%20OR%201%3D1", "..%2F..%2Fetc"]) {
      assertError(await asAlice.get(`/api/posts/${id}`), 404, "not_found");
      assertError(await asAlice.put(`/api/posts/${id}/like`), 404, "not_found");
    }
  });
});

describe("PUT/DELETE /api/posts/:id/like", () => {
  test("like and unlike are idempotent and counted once", async () => {
    const id = bobPosts[1]!.id;
    const first = await asAlice.put(`/api/posts/${id}/like`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { postId: id, liked: true, likeCount: 1 });
    assert.deepEqual((await asAlice.put(`/api/posts/${id}/like`)).body, { postId: id, liked: true, likeCount: 1 });
    assert.equal((await asAlice.get(`/api/posts/${id}`)).body.likedByMe, true);
    assert.equal(await stack.db.like.count({ where: { postId: id } }), 1);

    assert.deepEqual((await asAlice.delete(`/api/posts/${id}/like`)).body, { postId: id, liked: false, likeCount: 0 });
    assert.deepEqual((await asAlice.delete(`/api/posts/${id}/like`)).body, { postId: id, liked: false, likeCount: 0 });
    assert.equal(await stack.db.like.count({ where: { postId: id } }), 0);
  });

  test("the acting user is the session's, whatever the body or query says", async () => {
    const id = bobPosts[2]!.id;
    const res = await asAlice.request("PUT", `/api/posts/${id}/like?userId=${bob.id}`, {
      userId: bob.id,
      user: { id: bob.id },
    });
    assert.equal(res.status, 200);
    const likes = await stack.db.like.findMany({ where: { postId: id } });
    assert.deepEqual(
      likes.map((l) => l.userId),
      [alice.id],
    );
  });

  test("a mutation from a foreign Origin is refused with 403", async () => {
    const id = bobPosts[3]!.id;
    const res = await asAlice.request("PUT", `/api/posts/${id}/like`, undefined, { origin: "https://evil.example" });
    assertError(res, 403, "forbidden");
    const crossSite = await asAlice.request("DELETE", `/api/posts/${id}/like`, undefined, {
      "sec-fetch-site": "cross-site",
    });
    assertError(crossSite, 403, "forbidden");
    assert.equal(await stack.db.like.count({ where: { postId: id } }), 0);
    // The app's own origin passes.
    const own = await asAlice.request("PUT", `/api/posts/${id}/like`, undefined, { origin: stack.url });
    assert.equal(own.status, 200);
  });

  test("a socket handshake from another origin is refused; the site's own origin connects", async () => {
    const handshake = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = io(stack.url, {
          transports: ["websocket"],
          extraHeaders: { cookie: asAlice.cookieHeader(), origin },
          reconnection: false,
          forceNew: true,
        });
        socket.on("connect", () => {
          socket.close();
          resolve("connected");
        });
        socket.on("connect_error", (error) => {
          socket.close();
          resolve(error.message);
        });
      });
    // Another site, and another port of the same site (its cookies would go along: SameSite=Lax).
    assert.equal(await handshake("https://evil.example"), "forbidden");
    assert.equal(await handshake(new URL(stack.url).origin.replace(/:\d+$/, ":1")), "forbidden");
    assert.equal(await handshake(new URL(stack.url).origin), "connected");
  });

  test("sign out everywhere from a foreign Origin is refused with 403 and ends no session", async () => {
    const res = await asAlice.request("DELETE", "/api/sessions", undefined, { origin: "https://evil.example" });
    assertError(res, 403, "forbidden");
    const crossSite = await asAlice.request("DELETE", "/api/sessions", undefined, { "sec-fetch-site": "cross-site" });
    assertError(crossSite, 403, "forbidden");
    assert.equal((await asAlice.get("/api/posts")).status, 200);
  });

  test("CORS: a preflight from the app's own origin is allowed, any other gets no allow-origin", async () => {
    const own = await asAlice.raw("OPTIONS", `/api/posts/${bobPosts[0]!.id}/like`, {
      headers: { origin: stack.url, "access-control-request-method": "PUT" },
    });
    assert.equal(own.headers.get("access-control-allow-origin"), stack.url);
    const foreign = await asAlice.raw("OPTIONS", `/api/posts/${bobPosts[0]!.id}/like`, {
      headers: { origin: "https://evil.example", "access-control-request-method": "PUT" },
    });
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  });
});

describe("errors are JSON with stable codes", () => {
  test("405 for a method a route does not have, with Allow", async () => {
    const res = await asAlice.request("PATCH", `/api/posts/${bobPosts[0]!.id}/like`);
    assertError(res, 405, "method_not_allowed");
    assert.equal(res.headers.get("allow"), "PUT, DELETE, OPTIONS");
    const sessions = await asAlice.get("/api/sessions");
    assertError(sessions, 405, "method_not_allowed");
    assert.equal(sessions.headers.get("allow"), "DELETE, OPTIONS");
  });

  test("404 for an unknown API path", async () => {
    assertError(await asAlice.get("/api/does-not-exist"), 404, "not_found");
    assertError(await asAlice.post("/api/posts/x/y/z"), 404, "not_found");
  });

  test("POST /api/notifications/read validates its body", async () => {
    assertError(await asAlice.post("/api/notifications/read", "not json"), 400, "invalid_request");
    assertError(await asAlice.post("/api/notifications/read", {}), 400, "invalid_request");
    assertError(await asAlice.post("/api/notifications/read", { ids: [] }), 400, "invalid_request");
    assertError(await asAlice.post("/api/notifications/read", { all: false }), 400, "invalid_request");
    assertError(await asAlice.post("/api/notifications/read", { ids: "abc" }), 400, "invalid_request");
    assertError(
      await asAlice.post("/api/notifications/read", { ids: ["x".repeat(20)], padding: "x".repeat(20_000) }),
      413,
      "payload_too_large",
    );
    const ok = await asAlice.post("/api/notifications/read", { all: true });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { unreadCount: 0, unseenCount: 0 });
  });

  test("a path that cannot be decoded is the client's error: 400 JSON under /api, a page elsewhere", async () => {
    // Straight to the app, as without nginx (nginx refuses most of these itself, tests/unit/nginx-proxy.test.ts).
    const client = new ApiClient(stack.apps[0]!.url);
    for (const path of ["/api/posts/%C0%AF", "/api/posts/%ZZ", "/api/posts/a%00b/like", "/api/users/%E0%A4%A/posts"]) {
      assertError(await client.get(path), 400, "invalid_request");
    }
    const page = await client.raw("GET", "/p/%C0%AF");
    assert.equal(page.status, 400);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  });

  test("a method Node's parser does not know is a 405 in the JSON shape under /api", async () => {
    const { port } = new URL(stack.apps[0]!.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () =>
        socket.write("FOO /api/posts HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    assert.match(raw, /^HTTP\/1\.1 405 /);
    assert.match(raw, /\r\n\r\n\{"error":\{"code":"method_not_allowed"/);
  });

  test("health reports every check and the instance that answered; its scope is validated", async () => {
    const res = await new ApiClient(stack.url).get("/api/health");
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "ok");
    assert.equal(res.body.instance, "app-1");
    assert.deepEqual(Object.keys(res.body.checks).sort(), ["backlog", "db", "redis", "worker"]);
    assert.deepEqual(res.body.checks.worker.instances, ["worker-1"]);
    const instance = await new ApiClient(stack.url).get("/api/health?scope=instance");
    assert.equal(instance.status, 200);
    assert.deepEqual(instance.body, {
      status: "ok",
      scope: "instance",
      instance: "app-1",
      checks: { db: { status: "ok" }, redis: { status: "ok" } },
    });
    assertError(await new ApiClient(stack.url).get("/api/health?scope=everything"), 400, "invalid_request");
  });
});
