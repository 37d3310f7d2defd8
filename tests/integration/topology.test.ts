// The production topology on loopback: nginx (HTTP and HTTPS) in front of two app instances and
// two workers, sharing Socket.IO rooms through Redis.
import assert from "node:assert/strict";
import { once } from "node:events";
import http2 from "node:http2";
import { after, before, describe, test } from "node:test";
import { ApiClient } from "../../tooling/api-client";
import { nginxOnFreePorts } from "../../tooling/nginx";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  PASSWORD,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";

// The HTTPS listener serves a self-signed certificate made for this run; this test process (and
// nothing else) accepts it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("topology", {
    apps: 2,
    workers: 2,
    // Generous API rate so only the rate-limit test trips it; a low sign-in rate to see its 429.
    nginx: nginxOnFreePorts({ apiRatePerSecond: 200, apiBurst: 100, signinRatePerMinute: 60, signinBurst: 20 }),
  });
});
after(() => stack?.stop());

describe("two app instances", () => {
  test("a like sent through one instance reaches the owner's socket on the other", async () => {
    const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const [app1, app2] = stack.apps;
    const asAlice = await signedInClient(app1!.url, alice);
    const asBob = await signedInClient(app2!.url, bob);
    const bobTab = await connectSocket(app2!.url, asBob);
    const aliceTab = await connectSocket(app1!.url, asAlice);
    try {
      assert.equal(bobTab.hello.instance, "app-2");
      assert.equal(aliceTab.hello.instance, "app-1");
      assert.equal((await asAlice.put(`/api/posts/${post.id}/like`)).status, 200);
      const pushed = await eventually("bob notified on app-2", () => notifications(bobTab.received)[0]);
      assert.equal(pushed.actor.id, alice.id);
    } finally {
      bobTab.socket.close();
      aliceTab.socket.close();
    }
  });

  test("nginx spreads sockets over both instances and each of them gets the push", async () => {
    const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const asBob = await signedInClient(stack.url, bob);
    const tabs: Awaited<ReturnType<typeof connectSocket>>[] = [];
    for (let i = 0; i < 6; i++) tabs.push(await connectSocket(stack.url, asBob));
    try {
      const instances = new Set(tabs.map((t) => t.hello.instance));
      assert.deepEqual([...instances].sort(), ["app-1", "app-2"], "WebSockets through nginx land on both instances");
      const asAlice = await signedInClient(stack.url, alice);
      await asAlice.put(`/api/posts/${post.id}/like`);
      await eventually("all six tabs notified", () => tabs.every((t) => notifications(t.received).length === 1));
      assert.equal(new Set(tabs.map((t) => notifications(t.received)[0].id)).size, 1);
    } finally {
      for (const t of tabs) t.socket.close();
    }
  });

  test("signing out through one instance closes that session's sockets on the other", async () => {
    const alice = await createUser(stack.db);
    const [app1, app2] = stack.apps;
    const asAlice = await signedInClient(app1!.url, alice);
    const tab = await connectSocket(app2!.url, asAlice);
    let closedWith: string | undefined;
    tab.socket.once("disconnect", (reason) => (closedWith = reason));
    try {
      assert.equal(tab.hello.instance, "app-2");
      assert.equal((await asAlice.signOut()).status, 200);
      assert.equal(await eventually("app-2 closed the socket", () => closedWith), "io server disconnect");
    } finally {
      tab.socket.close();
    }
  });
});

describe("HTTPS through nginx", () => {
  test("sign in and like over TLS: Secure cookies, security headers, a live notification", async () => {
    assert.ok(stack.httpsUrl);
    const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
    const post = await createPost(stack.db, bob.id);
    const asAlice = new ApiClient(stack.httpsUrl);
    const signin = await asAlice.signIn(alice.username, PASSWORD);
    const sessionCookie = signin.headers.getSetCookie().find((c) => c.startsWith("__Secure-next-auth.session-token="));
    assert.ok(sessionCookie, `cookies: ${signin.headers.getSetCookie().join(" | ")}`);
    assert.match(sessionCookie, /; Secure/i);
    assert.match(sessionCookie, /; HttpOnly/i);

    const asBob = await signedInClient(stack.httpsUrl, bob);
    const bobTab = await connectSocket(stack.httpsUrl, asBob, { rejectUnauthorized: false });
    try {
      const like = await asAlice.put(`/api/posts/${post.id}/like`);
      assert.equal(like.status, 200);
      const pushed = await eventually("bob notified over wss", () => notifications(bobTab.received)[0]);
      assert.equal(pushed.post.id, post.id);

      const h = like.headers;
      assert.match(h.get("strict-transport-security") ?? "", /max-age=\d+/);
      assert.equal(h.get("x-content-type-options"), "nosniff");
      assert.equal(h.get("referrer-policy"), "strict-origin-when-cross-origin");
      assert.match(h.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
      assert.match(h.get("content-security-policy") ?? "", /default-src 'self'/);
      assert.match(h.get("x-request-id") ?? "", /^[0-9a-f]{32}$/);
    } finally {
      bobTab.socket.close();
    }
  });

  test("HTTP/2 over TLS: ALPN picks h2; the API, its errors and the headers are the same", async () => {
    const session = http2.connect(stack.httpsUrl!, { rejectUnauthorized: false });
    try {
      await once(session, "connect");
      assert.equal(session.alpnProtocol, "h2");
      const get = (path: string) =>
        new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: any }>((resolve, reject) => {
          const req = session.request({ ":path": path });
          let headers: http2.IncomingHttpHeaders = {};
          let text = "";
          req.setEncoding("utf8");
          req.on("response", (h) => (headers = h));
          req.on("data", (chunk: string) => (text += chunk));
          req.on("end", () => resolve({ status: Number(headers[":status"]), headers, body: JSON.parse(text) }));
          req.on("error", reject);
        });
      // Two streams on one connection at once: the multiplexing h2 is for.
      const [health, missing] = await Promise.all([get("/api/health"), get("/api/no-such-thing")]);
      assert.equal(health.status, 200);
      assert.equal(health.body.status, "ok");
      assert.equal(health.body.checks.worker.live, 2, "both workers beat");
      assert.match(health.body.instance, /^app-[12]$/);
      assert.match(String(health.headers["strict-transport-security"]), /max-age=\d+/);
      assert.equal(health.headers["x-content-type-options"], "nosniff");
      assert.match(String(health.headers["x-request-id"]), /^[0-9a-f]{32}$/);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, "not_found");
    } finally {
      session.close();
    }
  });

  test("the HTTP listener sends the same headers but no HSTS", async () => {
    const res = await new ApiClient(stack.url).get("/api/health");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("strict-transport-security"), null);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  });
});

describe("content security policy through nginx", () => {
  test("a page carries the app's nonce policy, once, with that nonce on every script; a new nonce each time", async () => {
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${stack.url}/signin`);
      assert.equal(res.status, 200);
      // One policy: nginx adds its default only when the app sent none.
      const policy = res.headers.get("content-security-policy") ?? "";
      assert.ok(!policy.includes(", "), `two policies were sent: ${policy}`);
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic';/.exec(policy)?.[1];
      assert.ok(nonce, policy);
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      assert.ok(scripts.length > 0);
      for (const tag of scripts) assert.ok(tag.includes(` nonce="${nonce}"`), `script without the nonce: ${tag}`);
      nonces.push(nonce);
    }
    assert.notEqual(nonces[0], nonces[1]);
  });

  test("everything else gets nginx's default, under which no script runs", async () => {
    for (const path of ["/api/health", "/seed/posts/bob-1.svg", "/healthz"]) {
      const policy = (await fetch(`${stack.url}${path}`)).headers.get("content-security-policy") ?? "";
      assert.match(policy, /(^|; )script-src 'self';/, `${path}: ${policy}`);
      assert.match(policy, /frame-ancestors 'none'/, path);
    }
  });
});

describe("nginx's own answers", () => {
  test("/healthz is answered by nginx", async () => {
    const res = await fetch(`${stack.url}/healthz`);
    assert.equal(res.status, 200);
  });

  test("past the API rate: 429 in the API's JSON shape with Retry-After", async () => {
    const responses = await Promise.all(Array.from({ length: 400 }, () => new ApiClient(stack.url).get("/api/health")));
    const limited = responses.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, `statuses: ${[...new Set(responses.map((r) => r.status))]}`);
    assert.ok(responses.every((r) => r.status === 200 || r.status === 429));
    assert.equal(limited[0]!.body.error.code, "rate_limited");
    assert.ok(Number(limited[0]!.headers.get("retry-after")) >= 1);
  });

  test("a body over nginx's limit: 413 in the API's JSON shape", async () => {
    const user = await createUser(stack.db);
    const client = await signedInClient(stack.url, user);
    const res = await client.post("/api/notifications/read", { ids: ["x"], padding: "x".repeat(2 * 1024 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, "payload_too_large");
  });
});
