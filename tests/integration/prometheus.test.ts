// Debian's real Prometheus scraping a stack (tooling/prometheus.ts): nginx with its stub_status
// listener in front of an app and a worker, each serving /metrics on its own port, the nginx,
// Postgres and Redis exporters, and the repository's rules (observability/prometheus/rules/).
// Likes made through nginx move the app's and the worker's counters by exactly their number, as
// Prometheus sees them; a worker killed with SIGKILL is seen down and WorkerDown goes pending.
// Needs the Debian packages prometheus, prometheus-nginx-exporter, prometheus-postgres-exporter
// and prometheus-redis-exporter: without them the file fails, saying which to install.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { nginxOnFreePorts } from "../../tooling/nginx";
import { observeStack, requirePrometheusBinaries, type RunningPrometheus } from "../../tooling/prometheus";
import type { PrometheusApi } from "../../tooling/prometheus-api";
import { createPost, createUser, eventually, signedInClient, startTestStack, type TestStack } from "../support/harness";

const LIKES = 5;
const LIKE_ROUTE = 'route="/api/posts/[id]/like"';

let stack: TestStack;
let prometheus: RunningPrometheus;
let api: PrometheusApi;

before(async () => {
  requirePrometheusBinaries(); // fails, naming the packages, before any stack starts
  stack = await startTestStack("prometheus", {
    apps: 1,
    workers: 1,
    nginx: nginxOnFreePorts({
      status: true,
      apiRatePerSecond: 200,
      apiBurst: 100,
      signinRatePerMinute: 60,
      signinBurst: 20,
    }),
  });
  prometheus = await observeStack(stack, { runDir: path.join(stack.runDir, "prometheus") });
  api = prometheus.api;
});
after(async () => {
  await prometheus?.stop();
  await stack?.stop();
});

/** A counter's sum as Prometheus last scraped it; 0 before its first series exists. */
const counter = async (selector: string) => (await api.value(`sum(${selector}) or vector(0)`)) ?? 0;

test("every target is up: app, worker, nginx, postgres, redis, prometheus; each exporter reaches its server", async () => {
  assert.deepEqual(Object.keys(prometheus.jobs).sort(), ["app", "nginx", "postgres", "prometheus", "redis", "worker"]);
  await api.waitForTargetsUp(prometheus.jobs, 30_000);
  // `up` says Prometheus reached the exporter; these say the exporter reached what it watches.
  for (const expr of ['nginx_up{job="nginx"}', 'pg_up{job="postgres"}', 'redis_up{job="redis"}'])
    assert.equal(await api.value(expr), 1, expr);
  // The app's and the worker's own series are there, with the catalogue's names.
  for (const expr of [
    'likes_redis_connection_up{job="app"}',
    'likes_postgres_pool_waiting_requests{job="app"}',
    'likes_queue_jobs{job="worker", state="waiting"}',
    'likes_outbox_backlog_events{job="worker"}',
    'process_resident_memory_bytes{job="worker"}',
  ])
    assert.ok((await api.query(expr)).length > 0, `${expr} is scraped`);
});

test(`${LIKES} likes through nginx: the like route's requests and like-to-push count move by exactly ${LIKES}`, async () => {
  const owner = await createUser(stack.db);
  const posts = await Promise.all(Array.from({ length: LIKES }, () => createPost(stack.db, owner.id)));
  const likers = await Promise.all(Array.from({ length: LIKES }, () => createUser(stack.db)));
  const clients = await Promise.all(likers.map((u) => signedInClient(stack.url, u)));
  await api.waitForTargetsUp(["app", "worker"], 30_000);

  const requests = `http_request_duration_seconds_count{job="app", ${LIKE_ROUTE}, method="PUT", status="200"}`;
  const pushes = 'likes_like_to_push_seconds_count{job="worker"}';
  const applied = 'likes_likes_applied_total{job="app", action="like"}';
  const before = { requests: await counter(requests), pushes: await counter(pushes), applied: await counter(applied) };

  const like = async (i: number) => {
    const res = await clients[i]!.put(`/api/posts/${posts[i]!.id}/like`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  // The first like alone, until Prometheus has scraped its series: a series' first sample is where
  // rate() starts, so the likes after it are what the recording rules see.
  await like(0);
  await eventually(
    "the first like's series scraped",
    async () => (await counter(requests)) > before.requests && (await counter(pushes)) > before.pushes,
    20_000,
    250,
  );
  for (let i = 1; i < LIKES; i++) await like(i);
  // An idempotent repeat: answered, but no state changed, so likes_likes_applied_total does not move.
  assert.equal((await clients[0]!.put(`/api/posts/${posts[0]!.id}/like`)).status, 200);

  const moved = async () => ({
    requests: (await counter(requests)) - before.requests,
    pushes: (await counter(pushes)) - before.pushes,
    applied: (await counter(applied)) - before.applied,
  });
  const want = { requests: LIKES + 1, pushes: LIKES, applied: LIKES };
  let last = await moved();
  await eventually(
    `Prometheus sees ${JSON.stringify(want)}`,
    async () => {
      last = await moved();
      return last.requests >= want.requests && last.pushes >= want.pushes && last.applied >= want.applied;
    },
    20_000,
    250,
  ).catch((error: Error) => assert.fail(`${error.message}; last seen ${JSON.stringify(last)}`));
  // Three more scrapes: nothing counted twice, nothing late.
  await new Promise((r) => setTimeout(r, 3_000));
  assert.deepEqual(await moved(), want);

  // The recording rules, on what was just scraped: no 5xx on the like route; a like-to-push p99
  // within the histogram's buckets.
  const slo = async () => ({
    availability: await api.value("slo:like_requests:availability_ratio_rate5m"),
    p99: await api.value("slo:like_to_push_seconds:p99_rate5m"),
  });
  let rules = await slo();
  await eventually(
    "the SLO recording rules' values",
    async () => {
      rules = await slo();
      return rules.availability === 1 && rules.p99 !== undefined && rules.p99 > 0 && rules.p99 <= 5;
    },
    10_000,
    250,
  ).catch((error: Error) => assert.fail(`${error.message}; last seen ${JSON.stringify(rules)}`));
});

test("SIGKILL the worker: its `up` goes 0 and WorkerDown becomes pending (or firing)", async () => {
  await api.waitForTargetsUp(["worker"], 30_000);
  assert.ok(!(await api.alerts()).some((a) => a.labels.alertname === "WorkerDown"), "no WorkerDown while it runs");
  const worker = stack.workers.shift()!;
  worker.child.kill("SIGKILL");
  assert.equal(await worker.exited, "SIGKILL");

  await eventually(
    `up{instance="${worker.name}"} == 0`,
    async () => (await api.value(`up{job="worker", instance="${worker.name}"}`)) === 0,
    15_000,
    250,
  );
  const alert = await eventually(
    "WorkerDown in Prometheus' alerts",
    async () =>
      (await api.alerts()).find((a) => a.labels.alertname === "WorkerDown" && a.labels.instance === worker.name),
    15_000,
    250,
  );
  assert.ok(["pending", "firing"].includes(alert.state), alert.state);
  assert.equal(alert.labels.severity, "critical");
  // The worker's target is WorkerDown's, not TargetNotScraped's.
  assert.ok(!(await api.alerts()).some((a) => a.labels.alertname === "TargetNotScraped"));
});
