// The Prometheus metrics of the app and the worker, read from their own listeners
// (server/telemetry/metrics-server.ts): well-formed for promtool, moved exactly by what happened,
// free of ids, never served by nginx, and quick to answer while Redis or Postgres is away.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { REALTIME_EVENTS } from "../../shared/realtime-events";
import { nginxOnFreePorts } from "../../tooling/nginx";
import { ROOT } from "../../tooling/paths";
import { freePort, spawnProc, waitFor } from "../../tooling/processes";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";
import { promtoolProblems, scrape, valueOf, type Sample } from "../support/prometheus";

// nginx's HTTPS listener presents the stack's self-signed certificate.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("metrics", {
    nginx: nginxOnFreePorts({ apiRatePerSecond: 1000, apiBurst: 1000, signinRatePerMinute: 6000, signinBurst: 1000 }),
  });
});
after(() => stack?.stop());

const appMetrics = () => scrape(stack.apps[0]!.metricsUrl);
const workerMetrics = () => scrape(stack.workers[0]!.metricsUrl);

const LIKE = { route: "/api/posts/[id]/like", method: "PUT", status: "200" };
const likeRequests = (samples: Sample[]) => valueOf(samples, "http_request_duration_seconds_count", LIKE) ?? 0;
const applied = (samples: Sample[], action: string) => valueOf(samples, "likes_likes_applied_total", { action });
const delivered = (samples: Sample[]) => valueOf(samples, "likes_notifications_total", { outcome: "delivered" });
const likeToPush = (samples: Sample[]) => valueOf(samples, "likes_like_to_push_seconds_count") ?? 0;

/** What the last test (ids, usernames) used, for the label scan. */
const used: string[] = [];

test("N likes move the app's and the worker's counters by exactly N; a repeat like moves only the request count", async () => {
  const N = 5;
  const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
  const posts = [];
  for (let i = 0; i < N; i++) posts.push(await createPost(stack.db, bob.id, `metrics photo ${i}`));
  used.push(alice.id, alice.username, bob.id, bob.username, ...posts.map((p) => p.id));
  const asAlice = await signedInClient(stack.url, alice);

  const [app0, worker0] = [(await appMetrics()).samples, (await workerMetrics()).samples];
  for (const post of posts) assert.equal((await asAlice.put(`/api/posts/${post.id}/like`)).status, 200);
  const app1 = (await appMetrics()).samples;
  assert.equal(likeRequests(app1) - likeRequests(app0), N);
  assert.equal(applied(app1, "like")! - applied(app0, "like")!, N);
  assert.equal(applied(app1, "unlike"), applied(app0, "unlike"));

  // The worker's figures follow once its jobs are done: exactly N notifications, N latencies.
  const worker1 = await eventually(
    "the worker counted N deliveries",
    async () => {
      const { samples } = await workerMetrics();
      return delivered(samples)! - delivered(worker0)! >= N && samples;
    },
    15_000,
    100,
  );
  assert.equal(delivered(worker1)! - delivered(worker0)!, N);
  assert.equal(likeToPush(worker1) - likeToPush(worker0), N);
  // Committed to pushed on one machine: well under a second each.
  const sum =
    valueOf(worker1, "likes_like_to_push_seconds_sum")! - (valueOf(worker0, "likes_like_to_push_seconds_sum") ?? 0);
  assert.ok(sum > 0 && sum < N, `like-to-push sum ${sum} s`);

  // A repeat like is a request like any other, but changes nothing: no like applied, no job.
  assert.equal((await asAlice.put(`/api/posts/${posts[0]!.id}/like`)).status, 200);
  const app2 = (await appMetrics()).samples;
  assert.equal(likeRequests(app2) - likeRequests(app1), 1);
  assert.equal(applied(app2, "like"), applied(app1, "like"));

  // An unlike is counted as one.
  assert.equal((await asAlice.delete(`/api/posts/${posts[0]!.id}/like`)).status, 200);
  const app3 = (await appMetrics()).samples;
  assert.equal(applied(app3, "unlike")! - applied(app2, "unlike")!, 1);
  await eventually("the retraction counted", async () => {
    const { samples } = await workerMetrics();
    return valueOf(samples, "likes_notifications_total", { outcome: "retracted" })! >= 1;
  });
});

test("both endpoints pass promtool check metrics, and no id or username is a label value", async () => {
  assert.ok(used.length, "runs after the likes above");
  for (const { text } of [await appMetrics(), await workerMetrics()]) {
    assert.equal(promtoolProblems(text), "");
    for (const raw of used) assert.ok(!text.includes(raw), `${raw} appears in the metrics`);
  }
  const app = (await appMetrics()).samples;
  const routes = new Set(
    app.filter((s) => s.name === "http_request_duration_seconds_count").map((s) => s.labels.route),
  );
  assert.ok(routes.has("/api/posts/[id]/like"), [...routes].join(", "));
  for (const route of routes) assert.match(route!, /^(\/[a-z]+|\/\[[a-z.]+\])+$|^unmatched$/);
});

test("an unknown API path is counted as route unmatched, with its status", async () => {
  const before = valueOf((await appMetrics()).samples, "http_request_duration_seconds_count", {
    route: "unmatched",
    method: "GET",
    status: "404",
  });
  assert.equal((await fetch(`${stack.apps[0]!.url}/api/no/such/thing-${Date.now()}`)).status, 404);
  const after = valueOf((await appMetrics()).samples, "http_request_duration_seconds_count", {
    route: "unmatched",
    method: "GET",
    status: "404",
  });
  assert.equal((after ?? 0) - (before ?? 0), 1);
});

test("the socket gauges count this instance's sockets and the posts they watch", async () => {
  const [carol, dave] = [await createUser(stack.db), await createUser(stack.db)];
  const post = await createPost(stack.db, dave.id);
  const tab = await connectSocket(stack.apps[0]!.url, await signedInClient(stack.url, carol));
  try {
    const ack = await tab.socket.timeout(5000).emitWithAck(REALTIME_EVENTS.watchPost, post.id);
    assert.deepEqual(ack, { ok: true });
    const { samples } = await appMetrics();
    assert.equal(valueOf(samples, "likes_socket_connections"), 1);
    assert.equal(valueOf(samples, "likes_socket_rooms_watched"), 1);
  } finally {
    tab.socket.close();
  }
  await eventually("the socket and its room gone", async () => {
    const { samples } = await appMetrics();
    return valueOf(samples, "likes_socket_connections") === 0 && valueOf(samples, "likes_socket_rooms_watched") === 0;
  });
});

test("the pool and Redis gauges are there in both processes", async () => {
  for (const { samples } of [await appMetrics(), await workerMetrics()]) {
    assert.notEqual(valueOf(samples, "likes_postgres_pool_connections", { state: "idle" }), undefined);
    assert.notEqual(valueOf(samples, "likes_postgres_pool_connections", { state: "busy" }), undefined);
    assert.notEqual(valueOf(samples, "likes_postgres_pool_waiting_requests"), undefined);
    assert.ok(samples.some((s) => s.name === "likes_redis_connection_up" && s.value === 1));
    assert.ok(valueOf(samples, "process_resident_memory_bytes")! > 0);
  }
  const worker = (await workerMetrics()).samples;
  for (const state of ["waiting", "active", "delayed", "failed", "completed", "prioritized"])
    assert.notEqual(valueOf(worker, "likes_queue_jobs", { state }), undefined, state);
  assert.equal(valueOf(worker, "likes_outbox_backlog_events"), 0);
  assert.equal(valueOf(worker, "likes_outbox_oldest_event_age_seconds"), 0);
  assert.equal(valueOf(worker, "likes_metrics_collector_up", { collector: "queue" }), 1);
  assert.equal(valueOf(worker, "likes_metrics_collector_up", { collector: "outbox" }), 1);
});

test("the metrics listener serves only GET /metrics; nginx never serves metrics", async () => {
  for (const url of [stack.apps[0]!.metricsUrl, stack.workers[0]!.metricsUrl]) {
    const base = new URL(url).origin;
    for (const other of ["/", "/metrics/extra", "/api/health", "/metricsx"])
      assert.equal((await fetch(base + other)).status, 404, other);
    assert.equal((await fetch(url, { method: "POST" })).status, 405);
  }
  assert.ok(stack.httpUrl && stack.httpsUrl);
  for (const origin of [stack.httpUrl, stack.httpsUrl]) {
    // /metrics through nginx reaches the app's HTTP port, which has no such page.
    const page = await fetch(`${origin}/metrics`);
    assert.equal(page.status, 404, origin);
    const text = await page.text();
    assert.ok(!text.includes("# HELP") && !text.includes("likes_"), `${origin}/metrics served metrics`);
    const api = await fetch(`${origin}/api/metrics`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, "not_found");
  }
});

test("with Postgres out of reach, the worker's scrape answers at once without the outbox", async () => {
  // A second worker whose database is a dead port (and whose queue is its own, so it takes no job).
  const metricsPort = await freePort();
  const worker = spawnProc("worker-nodb", process.execPath, ["--import", "tsx", "workers/notifications.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...stack.env,
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/nowhere`,
      REDIS_PREFIX: `${stack.env.REDIS_PREFIX}-nodb`,
      METRICS_PORT: String(metricsPort),
      INSTANCE_ID: "worker-nodb",
    },
    logFile: path.join(stack.runDir, "worker-nodb.log"),
    ipc: true,
  });
  try {
    await waitFor(
      "worker-nodb ready",
      async () => worker.messages.some((m) => (m as { type?: string }).type === "ready"),
      {
        proc: worker,
        timeoutMs: 30_000,
      },
    );
    const { samples, ms } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.ok(ms < 1500, `scrape took ${ms} ms`);
    assert.equal(valueOf(samples, "likes_metrics_collector_up", { collector: "outbox" }), 0);
    assert.equal(valueOf(samples, "likes_outbox_backlog_events"), undefined);
    assert.equal(valueOf(samples, "likes_metrics_collector_up", { collector: "queue" }), 1);
  } finally {
    await worker.stop();
  }
});

test("during a Redis outage both scrapes answer within 1.5 s; the queue collector reports 0 until Redis is back", async () => {
  await stack.redis.stop();
  // ioredis notices the closed socket a moment after redis-server exits: scrape until each process
  // reports a connection down, every one of those scrapes within the limit.
  const redisDown = async (name: string, scrapeOnce: typeof appMetrics) =>
    eventually(
      `${name} reports a Redis connection down`,
      async () => {
        const scraped = await scrapeOnce();
        assert.ok(scraped.ms < 1500, `${name} scrape took ${scraped.ms} ms`);
        return scraped.samples.some((s) => s.name === "likes_redis_connection_up" && s.value === 0) && scraped;
      },
      5_000,
      50,
    );
  try {
    const worker = await redisDown("worker", workerMetrics);
    assert.equal(valueOf(worker.samples, "likes_metrics_collector_up", { collector: "queue" }), 0);
    assert.equal(valueOf(worker.samples, "likes_queue_jobs", { state: "waiting" }), undefined);
    await redisDown("app", appMetrics);
  } finally {
    await stack.redis.start();
  }
  await eventually(
    "the queue collector back",
    async () => valueOf((await workerMetrics()).samples, "likes_metrics_collector_up", { collector: "queue" }) === 1,
    20_000,
    200,
  );
});
