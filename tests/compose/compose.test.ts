// `docker compose up`, for real: the repository's unchanged docker-compose.yml and Dockerfiles,
// built and started on a container engine, then used the way a person would, through the nginx
// container's published ports (8080 and 8443). Run it with `npm run test:compose`; it needs an
// engine (Docker, or podman through .ci/compose/with-podman) and takes a few minutes, most of
// it the first image build.
//
// One project, in order: build; up and healthy; a like between two seeded users over HTTP and over
// HTTPS (socket push, counts, inbox); a photo posted, stored on the uploads volume and served by the
// nginx container; the seeded bots of the `simulate` profile at work; down and up again with the
// data (and the photo) still there; a Redis restart
// that keeps a queued job; the stack scaled to two apps and two workers, with a worker crashing;
// the `observability` profile's Prometheus finding every replica and exporter up; down -v leaving
// nothing behind. The project has a name of its own, and its ports are published
// on a loopback address of their own (COMPOSE_TEST_BIND_ADDRESS, default 127.0.0.3), so a
// developer's own `docker compose up` or `npm run stack` is never touched.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { ApiClient } from "../../tooling/api-client";
import { PrometheusApi } from "../../tooling/prometheus-api";
import { eventually, notifications, shownIds, type Received } from "../support/harness";
import { phoneJpeg } from "../../tooling/test-images";
import { ComposeProject, EngineApi } from "./support/compose";
import { healthOk, likeAndSeeItArrive, PASSWORD, postsBy, signIn, Tabs, type Post, type Tab } from "./support/smoke";

// The HTTPS listener serves the self-signed certificate nginx made on first start; this test
// process (and nothing else) accepts it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

const BIND = process.env.COMPOSE_TEST_BIND_ADDRESS ?? "127.0.0.3";
const HTTP = `http://${BIND}:8080`;
const HTTPS = `https://${BIND}:8443`;
const PROJECT_PREFIX = "likestest";
const SINGLE = { postgres: 1, pgbouncer: 1, redis: 1, app: 1, worker: 1, nginx: 1 };
const READY_TIMEOUT_MS = 240_000;
const PROMETHEUS_PORT = process.env.COMPOSE_TEST_PROMETHEUS_PORT ?? "9090";
/** Given to every `down`, so the profile's containers and volume go too. */
const ALL_PROFILES = ["--profile", "simulate", "--profile", "observability"];

const project = new ComposeProject(`${PROJECT_PREFIX}${randomBytes(3).toString("hex")}`, {
  LIKES_BIND_ADDRESS: BIND,
  SEED_PASSWORD: PASSWORD,
  PROMETHEUS_PORT,
});
const tabs = new Tabs();
const say = (line: string) => console.log(`# compose: ${line}`);

/** SIGKILL of the worker's node process inside its container: a crash, not a `docker kill`
 * (which the engine counts as a deliberate stop, so `restart: unless-stopped` would not apply). */
async function crashWorker(index: number): Promise<void> {
  const script = `
    const fs = require("node:fs");
    for (const pid of fs.readdirSync("/proc").filter((d) => /^\\d+$/.test(d) && Number(d) !== process.pid)) {
      let cmdline = "";
      try { cmdline = fs.readFileSync("/proc/" + pid + "/cmdline", "utf8").split("\\0").join(" "); } catch { continue; }
      if (/^node .*workers\\/notifications\\.ts/.test(cmdline)) { process.kill(Number(pid), "SIGKILL"); console.log(pid); }
    }`;
  // The exec session dies with the container (exit 137): what it printed before is what counts.
  const result = await project.run(["exec", "-T", "--index", String(index), "worker", "node", "-e", script], {
    allowFailure: true,
  });
  assert.match(
    result.stdout.trim(),
    /^\d+$/,
    `exactly one worker process was found and killed: ${result.stdout}${result.stderr}`,
  );
}

/** test(), printing the services' last log lines when it fails: a later step may take them down. */
function step(
  name: string,
  ...rest: [fn: () => Promise<void>] | [options: { timeout: number }, fn: () => Promise<void>]
) {
  const [options, fn] = rest.length === 1 ? [{}, rest[0]] : rest;
  test(name, options, async () => {
    try {
      await fn();
    } catch (error) {
      say(`the services' last log lines:\n${await project.logs("app", "worker", "nginx", "migrate")}`);
      throw error;
    }
  });
}

// Shared between the steps, in order.
const state: { alice?: ApiClient; bob?: ApiClient; bobTab?: Tab; photo?: { url: string; bytes: Buffer } } = {};
// Polls through nginx stay well under its per-address API rate (NGINX_API_RATE, 20 r/s).
const POLL_MS = 250;

before(async () => {
  // Projects left by an interrupted earlier run (same prefix) are taken down first.
  const api = new EngineApi();
  const all = await api.request<{ Labels: Record<string, string> }[]>("GET", "/containers/json?all=1");
  assert.equal(all.status, 200, `the container engine answers at ${process.env.DOCKER_HOST ?? "/var/run/docker.sock"}`);
  const stale = new Set(
    all.body.map((c) => c.Labels["com.docker.compose.project"] ?? "").filter((p) => p.startsWith(PROJECT_PREFIX)),
  );
  for (const name of stale) {
    say(`removing a leftover project: ${name}`);
    await new ComposeProject(name).run([...ALL_PROFILES, "down", "-v", "--remove-orphans"], { allowFailure: true });
  }
});

after(async () => {
  tabs.closeAll();
  // Whatever happened above, leave nothing running.
  if ((await project.containers()).length)
    await project.run([...ALL_PROFILES, "down", "-v", "--remove-orphans"], { allowFailure: true });
});

step("the images build from a fresh clone's files", { timeout: 20 * 60_000 }, async () => {
  const build = await project.run(["build"]);
  say(`build: ${build.seconds.toFixed(0)} s`);
});

step(
  "docker compose up: every service healthy, migrate and seed done",
  { timeout: READY_TIMEOUT_MS + 120_000 },
  async () => {
    const up = await project.run(["up", "-d"]);
    const ready = await project.waitReady(SINGLE, ["migrate"], READY_TIMEOUT_MS);
    say(`up -d to all healthy: ${up.seconds.toFixed(0)} s + wait; containers: ${ready.map((c) => c.name).join(", ")}`);
    const expected = Object.values(SINGLE).reduce((sum, n) => sum + n, 0);
    assert.equal(ready.filter((c) => c.state === "running").length, expected);
  },
);

step("over HTTP on 8080: two seeded users, a like, the owner's socket, the counts and the inbox", async () => {
  await healthOk(HTTP);
  const alice = await signIn(HTTP, "alice");
  const bob = await signIn(HTTP, "bob");
  const bobTab = await tabs.connect(HTTP, bob);
  await likeAndSeeItArrive(alice, "alice", bob, "bob", bobTab);
  Object.assign(state, { alice, bob, bobTab });
});

step("over HTTPS on 8443: the secure cookie, and the push over wss", async () => {
  await healthOk(HTTPS);
  const carol = await signIn(HTTPS, "carol");
  assert.ok(carol.cookies.has("__Secure-next-auth.session-token"), "behind TLS the session cookie is __Secure-");
  const bob = await signIn(HTTPS, "bob");
  const bobTab = await tabs.connect(HTTPS, bob);
  await likeAndSeeItArrive(carol, "carol", bob, "bob", bobTab);
});

/** A posted photo as the nginx container serves it from the uploads volume. */
async function fetchPhoto(url: string): Promise<{ bytes: Buffer; type: string | null; cacheControl: string | null }> {
  const res = await fetch(new URL(url, HTTP));
  assert.equal(res.status, 200, `GET ${url}`);
  return {
    bytes: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get("content-type"),
    cacheControl: res.headers.get("cache-control"),
  };
}

step(
  "a photo posted over HTTP: written by the app to the uploads volume, served by the nginx container, on top of the feed",
  async () => {
    const { alice, bob } = state;
    assert.ok(alice && bob, "the HTTP step ran");
    const form = new FormData();
    form.set("photo", new Blob([new Uint8Array(await phoneJpeg(1600, 1200))], { type: "image/jpeg" }), "IMG_0001.jpg");
    form.set("caption", "Posted through docker compose");
    const posted = await alice.postForm("/api/posts", form);
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.match(posted.body.imageUrl, /^\/uploads\/[0-9a-f]{64}\.jpg$/);

    const served = await fetchPhoto(posted.body.imageUrl);
    assert.equal(served.type, "image/jpeg");
    assert.equal(served.cacheControl, "public, max-age=31536000, immutable");
    // nginx read it from its read-only mount of the volume the app wrote: the same bytes are there.
    const inApp = await project.exec("app", [
      "sh",
      "-c",
      `sha256sum /app/uploads/${posted.body.imageUrl.split("/").pop()}`,
    ]);
    assert.equal(
      inApp.split(" ")[0],
      posted.body.imageUrl.split("/").pop()!.replace(".jpg", ""),
      "named after its content's SHA-256",
    );
    assert.equal((await bob.get("/api/posts?limit=1")).body.items[0].id, posted.body.id, "on top of bob's feed");
    state.photo = { url: posted.body.imageUrl, bytes: served.bytes };
  },
);

step(
  "docker compose --profile simulate run simulate: the seeded bots like and unlike through nginx, then say what they did",
  { timeout: 180_000 },
  async () => {
    const { bob } = state;
    assert.ok(bob, "the HTTP step ran");
    const inboxBefore = (await bob.get("/api/notifications?limit=1")).body;
    const run = await project.run([
      "--profile",
      "simulate",
      "run",
      "--rm",
      "simulate",
      "--target=bob",
      "--rate=4",
      "--duration=6",
    ]);
    say(`simulate ran in ${run.seconds.toFixed(0)} s:\n${run.stdout.trim()}`);
    const total = /total: (\d+) actions, (\d+) likes, (\d+) unlikes, (\d+) errors/.exec(run.stdout);
    assert.ok(total, `the summary is printed:\n${run.stdout}${run.stderr}`);
    const [, actions, likes] = total.map(Number);
    assert.ok(actions! > 0 && likes! > 0, `the bots acted: ${total[0]}`);
    assert.match(run.stdout, /by target:\n\s+bob\s+\d+ actions/);
    // What they did reached bob: his inbox moved (likes add notifications; unlikes take theirs back).
    const inboxAfter = (await bob.get("/api/notifications?limit=1")).body;
    assert.notDeepEqual(inboxAfter.items[0]?.id, inboxBefore.items[0]?.id, "bob's newest notification is a bot's");
  },
);

step(
  "likes and notifications survive docker compose down and up (volumes kept)",
  { timeout: READY_TIMEOUT_MS + 120_000 },
  async () => {
    const { alice, bob } = state;
    assert.ok(alice && bob, "the HTTP step ran");
    tabs.closeAll();
    // What alice's feed and bob's inbox say before: every post's count and alice's hearts; every
    // notification with its read state.
    const feed = async () =>
      (await alice.get<{ items: Post[] }>("/api/posts?limit=50")).body.items.map((p) => ({
        id: p.id,
        likeCount: p.likeCount,
        likedByMe: p.likedByMe,
      }));
    const inbox = async () => (await bob.get("/api/notifications?limit=50")).body;
    const feedBefore = await feed();
    const inboxBefore = await inbox();
    assert.ok(
      feedBefore.some((p) => p.likedByMe),
      "alice's like from the HTTP step is there",
    );
    assert.ok(inboxBefore.items.length >= 2, "bob's two notifications from the HTTP and HTTPS steps are there");

    await project.run(["down"]);
    assert.deepEqual(await project.containers(), [], "down removes the containers");
    await project.run(["up", "-d"]);
    await project.waitReady(SINGLE, ["migrate"], READY_TIMEOUT_MS);

    // The session cookies are still good (same secret, nothing revoked), so no new sign-in. The
    // seed ran again (it does on every up) and changed nothing.
    assert.deepEqual(await feed(), feedBefore);
    assert.deepEqual(await inbox(), inboxBefore);
    // The posted photo is still served: the uploads volume outlives the containers.
    assert.ok(state.photo, "the photo step ran");
    assert.ok((await fetchPhoto(state.photo.url)).bytes.equals(state.photo.bytes));
    state.bobTab = await tabs.connect(HTTP, bob);
  },
);

step(
  "a Redis restart keeps a queued notification job (append-only file on its volume)",
  { timeout: 180_000 },
  async () => {
    const { alice, bob, bobTab } = state;
    assert.ok(alice && bob && bobTab, "the earlier steps ran");
    const waitingJobs = async () =>
      (await project.exec("redis", ["redis-cli", "--raw", "LRANGE", "likes:bull:notifications:wait", "0", "-1"]))
        .split("\n")
        .filter(Boolean);
    const enqueuedAt = async (jobId: string) =>
      (
        await project.exec("redis", ["redis-cli", "--raw", "HGET", `likes:bull:notifications:${jobId}`, "timestamp"])
      ).trim();

    // With the worker stopped, a like's job waits in Redis.
    await project.run(["stop", "worker"]);
    assert.deepEqual(await waitingJobs(), []);
    const post = (await postsBy(alice, "bob")).find((p) => !p.likedByMe);
    assert.ok(post, "alice has a photo of bob's left to like");
    assert.equal((await alice.put(`/api/posts/${post.id}/like`)).status, 200);
    const [jobId, ...others] = await waitingJobs();
    assert.ok(jobId && !others.length, "exactly one job waits");
    const timestamp = await enqueuedAt(jobId);
    assert.match(timestamp, /^\d+$/);

    await project.run(["restart", "redis"]);
    await eventually(
      "redis answers again",
      async () => (await project.exec("redis", ["redis-cli", "ping"]).catch(() => "")).trim() === "PONG",
      60_000,
      POLL_MS,
    );
    // The same job, not a re-enqueued copy: the outbox relay runs in the worker, which is stopped.
    assert.deepEqual(await waitingJobs(), [jobId], "the job is still queued after the restart");
    assert.equal(await enqueuedAt(jobId), timestamp);

    await project.run(["start", "worker"]);
    await project.waitReady(SINGLE, [], READY_TIMEOUT_MS);
    const shown = await eventually(
      "bob is shown the queued notification",
      async () => {
        const inbox = await bob.get("/api/notifications?limit=50");
        assert.equal(inbox.status, 200, JSON.stringify(inbox.body));
        const item = inbox.body.items.find(
          (n: { post: { id: string }; actor: { username: string } }) =>
            n.post.id === post.id && n.actor.username === "alice",
        );
        return item && shownIds(bobTab.received).has(item.id) ? item : undefined;
      },
      60_000,
      POLL_MS,
    );
    assert.equal(shown.readAt, null);
    assert.deepEqual(await waitingJobs(), []);
  },
);

step(
  "--scale app=2 --scale worker=2: both replicas answer, a crashed worker stops no notification and is restarted",
  { timeout: READY_TIMEOUT_MS + 240_000 },
  async () => {
    const { alice, bob } = state;
    assert.ok(alice && bob, "the earlier steps ran");
    tabs.closeAll();
    // Scaled in place, as on a running stack. nginx resolves `app` when it starts, so it is
    // restarted to see the new replica.
    await project.run(["up", "-d", "--scale", "app=2", "--scale", "worker=2"]);
    await project.run(["restart", "nginx"]);
    const ready = await project.waitReady({ ...SINGLE, app: 2, worker: 2 }, ["migrate"], READY_TIMEOUT_MS);

    // Every app replica answers through nginx; /api/health names the one that did.
    const replicas = new Set(ready.filter((c) => c.service === "app").map((c) => `app-${c.hostname}`));
    assert.equal(replicas.size, 2);
    const answered = new Set<string>();
    for (let i = 0; i < 20; i++) answered.add(await healthOk(HTTP));
    assert.deepEqual([...answered].sort(), [...replicas].sort(), "nginx spreads requests over both replicas");

    // Alice's tabs land on both replicas; a push reaches every one of them.
    const aliceTabs: Tab[] = [];
    for (let i = 0; i < 4; i++) aliceTabs.push(await tabs.connect(HTTP, alice));
    assert.equal(new Set(aliceTabs.map((t) => t.hello.instance)).size, 2, "sockets on both replicas");

    // Worker 1 crashes; bob likes every photo of alice's he has not liked. Each must arrive.
    const restartsBefore =
      (await project.containers()).find((c) => c.service === "worker" && c.number === 1)?.restartCount ?? 0;
    await crashWorker(1);
    const toLike = (await postsBy(bob, "alice")).filter((p) => !p.likedByMe);
    assert.ok(toLike.length >= 2, "bob has photos of alice's left to like");
    for (const post of toLike) assert.equal((await bob.put(`/api/posts/${post.id}/like`)).status, 200);
    const likedIds = new Set(toLike.map((p) => p.id));
    const arrived = (received: Received[]) =>
      notifications(received).filter((n) => n.actor.username === "bob" && likedIds.has(n.post.id));
    for (const tab of aliceTabs) {
      await eventually(
        `tab on ${tab.hello.instance} gets all ${toLike.length} notifications`,
        () => arrived(tab.received).length >= toLike.length,
        60_000,
        POLL_MS,
      );
      assert.equal(new Set(arrived(tab.received).map((n) => n.post.id)).size, toLike.length);
    }

    // restart: unless-stopped brings the crashed worker back, and it becomes healthy again.
    const restarted = await eventually(
      "the crashed worker is restarted",
      async () => {
        const worker1 = (await project.containers()).find((c) => c.service === "worker" && c.number === 1);
        return worker1 && worker1.restartCount > restartsBefore && worker1.state === "running" ? worker1 : undefined;
      },
      60_000,
      POLL_MS,
    );
    say(`worker 1 restarted (restart count ${restarted.restartCount})`);
    await project.waitReady({ ...SINGLE, app: 2, worker: 2 }, ["migrate"], READY_TIMEOUT_MS);
  },
);

step(
  "--profile observability: Prometheus finds both app and both worker replicas, and every exporter, up",
  { timeout: 180_000 },
  async () => {
    const SCALED = { ...SINGLE, app: 2, worker: 2 };
    const observability = { prometheus: 1, "nginx-exporter": 1, "postgres-exporter": 1, "redis-exporter": 1 };
    const up = await project.run(["--profile", "observability", "up", "-d", "--scale", "app=2", "--scale", "worker=2"]);
    await project.waitReady({ ...SCALED, ...observability }, ["migrate"], 120_000);
    const api = new PrometheusApi(`http://${BIND}:${PROMETHEUS_PORT}`);
    await api.waitReady(30_000);
    // dns_sd on the service names: each replica is its own target, found without a reload.
    const targets = await api.waitForTargetsUp(
      { app: 2, worker: 2, nginx: 1, postgres: 1, redis: 1, prometheus: 1 },
      60_000,
    );
    say(
      `observability up in ${up.seconds.toFixed(0)} s + wait; targets: ${targets.map((t) => `${t.labels.job} ${t.labels.instance}`).join(", ")}`,
    );
    assert.equal(targets.filter((t) => t.labels.job === "app").length, 2);
    assert.equal(targets.filter((t) => t.labels.job === "worker").length, 2);
    // Each exporter reaches what it watches, through the compose network.
    for (const expr of ['nginx_up{job="nginx"}', 'pg_up{job="postgres"}', 'redis_up{job="redis"}'])
      assert.equal(await api.value(expr), 1, expr);
    // The rules are loaded from the mounted observability/prometheus/rules/.
    assert.deepEqual((await api.ruleGroups()).sort(), ["likes", "slo"]);
  },
);

step("docker compose down -v leaves no container, volume or network behind", { timeout: 180_000 }, async () => {
  tabs.closeAll();
  await project.run([...ALL_PROFILES, "down", "-v", "--remove-orphans"]);
  assert.deepEqual(await project.containers(), []);
  assert.deepEqual(await project.api.volumes(project.name), []);
  assert.deepEqual(await project.api.networks(project.name), []);
});
