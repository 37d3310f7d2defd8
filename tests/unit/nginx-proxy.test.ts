// nginx's behaviour in front of the app, checked against the real nginx binary with two stub
// upstreams (plain Node HTTP servers standing in for app instances): forwarded headers, request
// ids, security headers, caching, gzip, WebSocket upgrade, balancing, and the JSON errors /api
// gets for 413, 429 and a missing app. Needs nginx (apt-get install nginx-light) and nothing else.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { startNginx, type RunningNginx } from "../../tooling/nginx";

type Seen = { name: string; method: string; url: string; headers: IncomingHttpHeaders };

/** An upstream that answers with what it received, plus a few fixed routes. */
function startStub(name: string, seen: Seen[]): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer((req, res) => {
    seen.push({ name, method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => {
      if (req.url === "/a-page") {
        // A page brings its own policy, as proxy.ts does for every page.
        res.writeHead(200, {
          "content-type": "text/html",
          "content-security-policy": "script-src 'nonce-abc' 'strict-dynamic'",
        });
        res.end("<!doctype html><title>page</title>");
        return;
      }
      if (req.url?.startsWith("/_next/static/")) {
        res.writeHead(200, { "content-type": "application/javascript; charset=utf-8", "cache-control": "no-cache" });
        res.end(`console.log(${JSON.stringify("x".repeat(10))});\n`.repeat(2000));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ instance: name, headers: req.headers }));
    });
  });
  // What Socket.IO's server does at the transport level: accept the upgrade.
  server.on("upgrade", (req, socket) => {
    seen.push({ name, method: "UPGRADE", url: req.url ?? "", headers: req.headers });
    socket.end(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
    );
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ server, address: `127.0.0.1:${port}` });
    });
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Reply = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** One request on a fresh connection (no agent), accepting the self-signed certificate. */
function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Reply> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: init.method ?? "GET", headers: init.headers, agent: false, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      // nginx answers 413 before reading the body and may close while we are still sending it.
      if (error.code === "EPIPE" || error.code === "ECONNRESET") return;
      reject(error);
    });
    req.end(init.body);
  });
}

const json = (reply: Reply) => JSON.parse(reply.body.toString()) as Record<string, unknown>;

function assertSecurityHeaders(reply: Reply) {
  // nginx's default policy: nothing it serves by itself runs scripts.
  assert.match(String(reply.headers["content-security-policy"]), /; script-src 'self'; /);
  assert.match(String(reply.headers["content-security-policy"]), /frame-ancestors 'none'/);
  assert.equal(reply.headers["x-content-type-options"], "nosniff");
  assert.equal(reply.headers["x-frame-options"], "DENY");
  assert.equal(reply.headers["referrer-policy"], "strict-origin-when-cross-origin");
  assert.ok(reply.headers["x-request-id"], "X-Request-Id");
}

describe("nginx in front of two app instances", () => {
  const seen: Seen[] = [];
  const stubs: http.Server[] = [];
  let runDir = "";
  let nginx: RunningNginx;
  let strictApi: RunningNginx; // same config, a low API rate
  let strictSignin: RunningNginx; // same config, a low sign-in rate
  let httpUrl = "";
  let httpsUrl = "";

  before(async () => {
    // A 0700 directory (mkdtemp), as a checkout may sit in: nginx's workers never need to enter it.
    runDir = await mkdtemp(path.join(tmpdir(), "likes-nginx-proxy-"));
    const a = await startStub("a", seen);
    const b = await startStub("b", seen);
    stubs.push(a.server, b.server);
    const upstreams = [a.address, b.address];
    nginx = await startNginx({
      runDir: path.join(runDir, "main"),
      httpPort: await freePort(),
      httpsPort: await freePort(),
      upstreams,
      apiRatePerSecond: 1000,
      apiBurst: 1000,
      statusPort: await freePort(),
    });
    strictApi = await startNginx({
      runDir: path.join(runDir, "strict-api"),
      httpPort: await freePort(),
      httpsPort: await freePort(),
      upstreams,
      apiRatePerSecond: 1,
      apiBurst: 3,
    });
    strictSignin = await startNginx({
      runDir: path.join(runDir, "strict-signin"),
      httpPort: await freePort(),
      httpsPort: await freePort(),
      upstreams,
      apiRatePerSecond: 1000,
      apiBurst: 1000,
      signinRatePerMinute: 1,
      signinBurst: 1,
    });
    httpUrl = nginx.httpUrl;
    httpsUrl = nginx.httpsUrl;
  });

  after(async () => {
    await Promise.all([nginx?.stop(), strictApi?.stop(), strictSignin?.stop()]);
    for (const s of stubs) s.closeAllConnections();
    await Promise.all(stubs.map((s) => new Promise((resolve) => s.close(resolve))));
    await rm(runDir, { recursive: true, force: true });
  });

  test("stub_status answers on its own listener only; 8080 and 8443 pass /stub_status to the app", async () => {
    assert.ok(nginx.statusUrl, "started with a statusPort");
    const status = await request(nginx.statusUrl);
    assert.equal(status.status, 200);
    assert.match(status.body.toString(), /^Active connections: \d+/);
    assert.equal((await request(nginx.statusUrl.replace("/stub_status", "/"))).status, 404);
    for (const base of [httpUrl, httpsUrl]) {
      const site = await request(`${base}/stub_status`);
      assert.doesNotMatch(site.body.toString(), /Active connections/, base);
      assert.ok(JSON.parse(site.body.toString()).instance, `${base}/stub_status was answered by an app instance`);
    }
    assert.equal(strictApi.statusUrl, undefined, "off unless asked for");
  });

  test("/healthz is answered by nginx itself, with the security headers", async () => {
    const before = seen.length;
    const reply = await request(`${httpUrl}/healthz`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.toString(), "ok");
    assertSecurityHeaders(reply);
    assert.equal(seen.length, before, "the app was not asked");
  });

  test("a response with its own CSP keeps it, alone; nginx adds its default only when there is none", async () => {
    const page = await request(`${httpUrl}/a-page`);
    assert.equal(page.headers["content-security-policy"], "script-src 'nonce-abc' 'strict-dynamic'");
    assert.equal(page.headers["x-content-type-options"], "nosniff", "the other headers still come from nginx");
    const api = await request(`${httpUrl}/api/anything`);
    assert.match(String(api.headers["content-security-policy"]), /^default-src 'self'; script-src 'self'; /);
  });

  test("the app sees the browser's host and port, scheme, address and request id", async () => {
    const port = new URL(httpsUrl).port;
    const reply = await request(`${httpsUrl}/api/echo`, {
      headers: { "X-Request-Id": "trace-0123456789", "X-Forwarded-For": "6.6.6.6" },
    });
    assert.equal(reply.status, 200);
    const { headers } = json(reply) as { headers: Record<string, string> };
    assert.equal(headers.host, `localhost:${port}`);
    assert.equal(headers["x-forwarded-host"], `localhost:${port}`);
    assert.equal(headers["x-forwarded-proto"], "https");
    assert.equal(headers["x-forwarded-for"], "127.0.0.1", "a client-sent chain is replaced");
    assert.equal(headers["x-request-id"], "trace-0123456789");
    assert.equal(reply.headers["x-request-id"], "trace-0123456789");
    assert.equal(headers.connection, undefined, "no Connection header: the upstream connection stays reusable");
  });

  test("a malformed client request id is replaced by nginx's own", async () => {
    const reply = await request(`${httpUrl}/api/echo`, { headers: { "X-Request-Id": "x" } });
    const { headers } = json(reply) as { headers: Record<string, string> };
    assert.match(String(headers["x-request-id"]), /^[0-9a-f]{32}$/);
    assert.equal(reply.headers["x-request-id"], headers["x-request-id"]);
  });

  test("a browser's traceparent: nginx keeps its trace id and names its own span as the parent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const reply = await request(`${httpUrl}/api/echo`, {
      headers: {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        tracestate: "likes=click:12",
        "X-Request-Start": "t=1",
      },
    });
    const { headers } = json(reply) as { headers: Record<string, string> };
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(headers.traceparent ?? "");
    assert.ok(match, `traceparent forwarded: ${headers.traceparent}`);
    assert.equal(match[1], traceId);
    assert.notEqual(match[2], "00f067aa0ba902b7", "nginx's span, not the browser's");
    assert.equal(headers.tracestate, "likes=click:12");
    // When nginx handed the request on, in epoch seconds: the client's own value is replaced.
    const sent = Number(/^t=(\d+\.\d{3})$/.exec(headers["x-request-start"] ?? "")?.[1]);
    assert.ok(Math.abs(sent * 1000 - Date.now()) < 5000, `X-Request-Start: ${headers["x-request-start"]}`);
  });

  test("no traceparent, or an invalid one: nginx starts a trace whose id is its request id", async () => {
    for (const traceparent of [
      undefined,
      "garbage",
      `00-${"0".repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${"0".repeat(16)}-01`,
    ]) {
      const reply = await request(`${httpUrl}/api/echo`, { headers: traceparent ? { traceparent } : {} });
      const { headers } = json(reply) as { headers: Record<string, string> };
      const requestId = String(reply.headers["x-request-id"]);
      assert.match(requestId, /^[0-9a-f]{32}$/);
      assert.equal(headers.traceparent, `00-${requestId}-${requestId.slice(16)}-01`, `for ${traceparent}`);
    }
  });

  test("the access log names each request's trace id", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await request(`${httpUrl}/api/echo?log-check`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    // nginx writes the line as the request ends, which may be a moment after the reply reached us.
    let line: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 40 && !line; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 50));
      const lines = (await readFile(path.join(runDir, "main", "access.log"), "utf8")).trim().split("\n");
      line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.uri === "/api/echo?log-check");
    }
    assert.equal(line?.trace_id, traceId);
  });

  test("HSTS on the HTTPS listener only", async () => {
    assert.equal((await request(`${httpUrl}/healthz`)).headers["strict-transport-security"], undefined);
    assert.match(String((await request(`${httpsUrl}/healthz`)).headers["strict-transport-security"]), /^max-age=\d+$/);
  });

  test("CSP allows WebSocket to this very host", async () => {
    const reply = await request(`${httpUrl}/`);
    const host = new URL(httpUrl).host;
    assert.match(
      String(reply.headers["content-security-policy"]),
      new RegExp(`connect-src 'self' ws://${host} wss://${host};`),
    );
  });

  test("build assets: cached for a year and gzipped", async () => {
    const plain = await request(`${httpUrl}/_next/static/chunks/app.js`);
    const zipped = await request(`${httpUrl}/_next/static/chunks/app.js`, { headers: { "Accept-Encoding": "gzip" } });
    assert.equal(zipped.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.deepEqual(gunzipSync(zipped.body), plain.body);
    assert.ok(zipped.body.length < plain.body.length / 10);
    assertSecurityHeaders(zipped);
  });

  test("API answers and pages are never compressed, even when asked (BREACH)", async () => {
    const headers = { "Accept-Encoding": "gzip", "X-Padding": "p".repeat(400) };
    for (const url of [`${httpsUrl}/api/feed`, `${httpsUrl}/some/page`]) {
      const reply = await request(url, { headers });
      assert.equal(reply.status, 200, url);
      assert.ok(reply.body.length > 256, `${url}: long enough to be gzipped if nginx would`);
      assert.equal(reply.headers["content-encoding"], undefined, url);
    }
  });

  test("seed images and other public files get a long-ish cache", async () => {
    assert.equal((await request(`${httpUrl}/seed/posts/1.jpg`)).headers["cache-control"], "public, max-age=604800");
    assert.equal((await request(`${httpUrl}/favicon.ico`)).headers["cache-control"], "public, max-age=86400");
  });

  test("WebSocket upgrade reaches /socket.io/", async () => {
    const { port } = new URL(httpUrl);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.write(
          "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        );
      });
      let data = "";
      socket.on("data", (c: Buffer) => {
        data += c.toString();
        if (data.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.on("error", reject);
    });
    assert.match(head, /^HTTP\/1\.1 101 /);
    const upgrade = seen.findLast((s) => s.method === "UPGRADE");
    assert.equal(upgrade?.headers.upgrade, "websocket");
    assert.equal(upgrade?.headers.connection?.toLowerCase(), "upgrade");
  });

  test("requests are spread over both instances", async () => {
    const instances = new Set<string>();
    for (let i = 0; i < 10; i++) instances.add(String(json(await request(`${httpUrl}/api/echo`)).instance));
    assert.deepEqual([...instances].sort(), ["a", "b"]);
  });

  test("a body over 1 MiB: 413 with the API's JSON error", async () => {
    const reply = await request(`${httpUrl}/api/notifications/read`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: Buffer.alloc(1_100_000, 97),
    });
    assert.equal(reply.status, 413);
    assert.match(String(reply.headers["content-type"]), /^application\/json/);
    assert.deepEqual(json(reply), { error: { code: "payload_too_large", message: "Request body over 1 MiB." } });
    assertSecurityHeaders(reply);
  });

  test("posting a photo may send up to 11 MiB (the app counts the exact 10 MB); past that, 413 saying so", async () => {
    const passed = await request(`${httpUrl}/api/posts`, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      body: Buffer.alloc(5_000_000, 97),
    });
    assert.equal(passed.status, 200, "reaches the app");
    const refused = await request(`${httpUrl}/api/posts`, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      body: Buffer.alloc(11 * 1024 * 1024 + 1, 97),
    });
    assert.equal(refused.status, 413);
    assert.deepEqual(json(refused), { error: { code: "payload_too_large", message: "Photos can be up to 10 MB." } });
    assertSecurityHeaders(refused);
  });

  test("past the API rate: 429 with the API's JSON error and Retry-After", async () => {
    const statuses: number[] = [];
    let limited: Reply | undefined;
    for (let i = 0; i < 8; i++) {
      const reply = await request(`${strictApi.httpUrl}/api/echo`);
      statuses.push(reply.status);
      if (reply.status === 429) limited ??= reply;
    }
    assert.ok(
      statuses.slice(0, 4).every((s) => s === 200),
      `burst of 3 on top of 1 r/s allowed: ${statuses}`,
    );
    assert.ok(limited, `some request refused: ${statuses}`);
    assert.equal(limited.headers["retry-after"], "1");
    assert.equal(limited.headers["cache-control"], "no-store");
    assert.equal((json(limited).error as { code: string }).code, "rate_limited");
    assertSecurityHeaders(limited);
  });

  test("past the sign-in rate: 429 for sign-in while the rest of /api still works", async () => {
    const signIn = () =>
      request(`${strictSignin.httpsUrl}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "username=alice&password=wrong",
      });
    const statuses = [(await signIn()).status, (await signIn()).status];
    const third = await signIn();
    assert.deepEqual(statuses, [200, 200], "rate 1/min with burst 1 allows two at once");
    assert.equal(third.status, 429);
    assert.equal(third.headers["retry-after"], "60");
    assert.equal((json(third).error as { code: string }).code, "rate_limited");
    assert.equal((await request(`${strictSignin.httpsUrl}/api/echo`)).status, 200);
  });

  test("what nginx refuses itself: /api gets the JSON shape, pages get our page, each with its status", async () => {
    const before = seen.length;
    const cases: { what: string; path: string; init?: Parameters<typeof request>[1]; status: number; code: string }[] =
      [
        { what: "NUL in the path", path: "/api/posts/a%00b", status: 400, code: "invalid_request" },
        { what: "invalid percent-encoding", path: "/api/posts/%ZZ", status: 400, code: "invalid_request" },
        {
          what: "a URL over nginx's buffers",
          path: `/api/posts/${"a".repeat(9000)}`,
          status: 414,
          code: "invalid_request",
        },
        {
          what: "a header over nginx's buffers",
          path: "/api/posts",
          init: { headers: { "X-Big": "a".repeat(9000) } },
          status: 431,
          code: "invalid_request",
        },
        {
          what: "a cookie over nginx's buffers",
          path: "/api/posts",
          init: { headers: { Cookie: `c=${"a".repeat(9000)}` } },
          status: 431,
          code: "invalid_request",
        },
        { what: "TRACE", path: "/api/posts", init: { method: "TRACE" }, status: 405, code: "method_not_allowed" },
      ];
    for (const c of cases) {
      const api = await request(`${httpUrl}${c.path}`, c.init);
      assert.equal(api.status, c.status, c.what);
      assert.match(String(api.headers["content-type"]), /^application\/json/, c.what);
      assert.equal((json(api).error as { code: string }).code, c.code, c.what);
      assert.equal(api.headers["cache-control"], "no-store", c.what);
      assertSecurityHeaders(api);
      // A browser asks for pages with Accept: text/html.
      const page = await request(`${httpUrl}${c.path.replace("/api/posts", "/p")}`, {
        ...c.init,
        headers: { ...c.init?.headers, Accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
      });
      assert.equal(page.status, c.status, `${c.what}, page`);
      assert.match(String(page.headers["content-type"]), /^text\/html/, c.what);
      assert.match(page.body.toString(), /That request did not work/, c.what);
    }
    // A method the API does not have is refused at the edge (pages pass it on to the app).
    for (const method of ["PROPFIND", "FOO"]) {
      const api = await request(`${httpUrl}/api/posts`, { method });
      assert.equal(api.status, 405, method);
      assert.equal((json(api).error as { code: string }).code, "method_not_allowed");
    }
    // A raw request line nginx cannot parse.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(httpUrl).port), "127.0.0.1", () =>
        socket.end("GET /api/posts/a b c HTTP/1.1\r\nHost: localhost\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /"code":"invalid_request"/);
    assert.equal(seen.length, before, "none of them reached the app");
    // The error locations are internal: a client cannot ask for them.
    assert.equal((await request(`${httpUrl}/_errors/api/400`)).status, 404);
  });

  test("app down: /api answers JSON with Retry-After, pages get 'back in a moment'; never nginx's own page", async () => {
    for (const s of stubs) s.closeAllConnections();
    await Promise.all(stubs.map((s) => new Promise((resolve) => s.close(resolve))));
    const api = await request(`${httpUrl}/api/posts`);
    assert.equal(api.status, 502);
    assert.equal(api.headers["retry-after"], "5");
    assert.deepEqual(json(api).error, {
      code: "unavailable",
      message: "The service is temporarily unavailable; try again shortly.",
    });
    assertSecurityHeaders(api);
    for (const url of [`${httpUrl}/`, `${httpsUrl}/p/abc`]) {
      const page = await request(url, { headers: { Accept: "text/html" } });
      assert.equal(page.status, 502);
      assert.match(String(page.headers["content-type"]), /^text\/html/);
      assert.equal(page.headers["cache-control"], "no-store");
      assert.match(page.body.toString(), /<title>Back in a moment · Likes<\/title>/);
      assert.match(page.body.toString(), /http-equiv="refresh"/);
      assertSecurityHeaders(page);
    }
  });
});
