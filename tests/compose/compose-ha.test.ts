// `docker compose --profile ha up -d ha-nginx`, for real: the `ha` profile's data tier (Patroni +
// etcd, HAProxy, PgBouncer; Redis primary, replica and three Sentinels), then its app, worker and
// nginx, and the smoke through ha-nginx's published port (8081); then the Patroni leader's
// container stopped, a new leader elected, writes landing on it, and the old leader rejoining as
// the synchronous standby. Run with the compose suite (`npm run test:compose`); the app image is
// the one compose.test.ts builds (likes-app:local), so the two files share its build.
// The app and worker reach Redis through the Sentinels (REDIS_SENTINELS / REDIS_SENTINEL_NAME).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { ApiClient } from "../../tooling/api-client";
import { eventually } from "../support/harness";
import { ComposeProject, EngineApi } from "./support/compose";
import { healthOk, likeAndSeeItArrive, PASSWORD, postsBy, signIn, Tabs } from "./support/smoke";

process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

const BIND = process.env.COMPOSE_TEST_BIND_ADDRESS ?? "127.0.0.3";
const HTTP_PORT = process.env.COMPOSE_TEST_HA_HTTP_PORT ?? "8081";
const HTTP = `http://${BIND}:${HTTP_PORT}`;
const PROJECT_PREFIX = "likeshatest";
const HA = ["--profile", "ha"];
const READY_TIMEOUT_MS = 300_000;
const DB_PASSWORD = "dev-only-postgres-password";
const DATA_TIER = {
  "ha-etcd": 1,
  "ha-patroni-1": 1,
  "ha-patroni-2": 1,
  "ha-haproxy": 1,
  "ha-pgbouncer": 1,
  "ha-redis-1": 1,
  "ha-redis-2": 1,
  "ha-sentinel-1": 1,
  "ha-sentinel-2": 1,
  "ha-sentinel-3": 1,
};
const WHOLE = { ...DATA_TIER, "ha-app": 1, "ha-worker": 1, "ha-nginx": 1 };

const project = new ComposeProject(`${PROJECT_PREFIX}${randomBytes(3).toString("hex")}`, {
  LIKES_BIND_ADDRESS: BIND,
  LIKES_HA_HTTP_PORT: HTTP_PORT,
  LIKES_HA_HTTPS_PORT: process.env.COMPOSE_TEST_HA_HTTPS_PORT ?? "8444",
  SEED_PASSWORD: PASSWORD,
  POSTGRES_PASSWORD: DB_PASSWORD,
});
const tabs = new Tabs();
const say = (line: string) => console.log(`# compose ha: ${line}`);

type Member = { Member: string; Role: string; State: string; TL?: number };

/** `patronictl list` as seen from one node (each node's Patroni reads the cluster from etcd). */
async function members(from: string): Promise<Member[]> {
  const out = await project.exec(from, ["patronictl", "-c", "/etc/patroni/patroni.yml", "list", "-f", "json"]);
  return (JSON.parse(out) as Member[]).sort((a, b) => a.Member.localeCompare(b.Member));
}

/** One SQL statement through ha-pgbouncer (psql from a Patroni container, as the app connects). */
async function throughPgBouncer(from: string, sql: string): Promise<string> {
  const out = await project.exec(from, [
    "env",
    `PGPASSWORD=${DB_PASSWORD}`,
    "psql",
    "-h",
    "ha-pgbouncer",
    "-p",
    "6432",
    "-U",
    "likes",
    "-d",
    "likes",
    "-v",
    "ON_ERROR_STOP=1",
    "-tAc",
    sql,
  ]);
  return out.trim();
}

function step(name: string, options: { timeout?: number }, fn: () => Promise<void>) {
  test(name, options, async () => {
    try {
      await fn();
    } catch (error) {
      say(
        `the services' last log lines:\n${await project.logs("ha-patroni-1", "ha-patroni-2", "ha-haproxy", "ha-pgbouncer", "ha-migrate", "ha-app", "ha-worker")}`,
      );
      throw error;
    }
  });
}

const state: { alice?: ApiClient; bob?: ApiClient; leader?: string; standby?: string; likedPost?: string } = {};

before(async () => {
  const api = new EngineApi();
  const all = await api.request<{ Labels: Record<string, string> }[]>("GET", "/containers/json?all=1");
  assert.equal(all.status, 200, `the container engine answers at ${process.env.DOCKER_HOST ?? "/var/run/docker.sock"}`);
  const stale = new Set(
    all.body.map((c) => c.Labels["com.docker.compose.project"] ?? "").filter((p) => p.startsWith(PROJECT_PREFIX)),
  );
  for (const name of stale) {
    say(`removing a leftover project: ${name}`);
    await new ComposeProject(name).run([...HA, "down", "-v", "--remove-orphans"], { allowFailure: true });
  }
});

after(async () => {
  tabs.closeAll();
  if ((await project.containers()).length)
    await project.run([...HA, "down", "-v", "--remove-orphans"], { allowFailure: true });
});

step(
  "the ha profile's images build (Patroni on postgres:16, PgBouncer, the app, nginx)",
  { timeout: 20 * 60_000 },
  async () => {
    const build = await project.run([...HA, "build", "ha-patroni-1", "ha-pgbouncer", "ha-app", "ha-nginx"]);
    say(`build: ${build.seconds.toFixed(0)} s`);
  },
);

step(
  "the data tier up and healthy: a Patroni leader, HAProxy on it, PgBouncer, the Sentinels' quorum, migrate and seed done",
  { timeout: READY_TIMEOUT_MS + 120_000 },
  async () => {
    const started = performance.now();
    await project.run([
      ...HA,
      "up",
      "-d",
      "ha-migrate",
      "ha-pgbouncer",
      "ha-sentinel-1",
      "ha-sentinel-2",
      "ha-sentinel-3",
    ]);
    await project.waitReady(DATA_TIER, ["ha-migrate"], READY_TIMEOUT_MS);
    say(`data tier up and healthy, migrate done: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
);

step("Patroni: one leader and one synchronous standby, streaming", { timeout: 120_000 }, async () => {
  // The standby is named synchronous a loop (loop_wait) after it starts streaming.
  const cluster = await eventually(
    "the standby is the synchronous one",
    async () => {
      const list = await members("ha-patroni-1");
      return list.length === 2 && list.some((m) => m.Role === "Sync Standby") ? list : undefined;
    },
    90_000,
    1000,
  );
  say(`members: ${cluster.map((m) => `${m.Member} ${m.Role} ${m.State}`).join(", ")}`);
  const leader = cluster.find((m) => m.Role === "Leader");
  const standby = cluster.find((m) => m.Role === "Sync Standby");
  assert.ok(leader && standby, JSON.stringify(cluster));
  assert.equal(leader.State, "running");
  assert.match(standby.State, /^(streaming|running)$/);
  state.leader = leader.Member;
  state.standby = standby.Member;
});

step("through PgBouncer and HAProxy: the primary, the seeded data, a write", { timeout: 60_000 }, async () => {
  const from = state.standby!;
  assert.equal(await throughPgBouncer(from, "select pg_is_in_recovery()"), "f", "HAProxy routes to the primary");
  assert.ok(Number(await throughPgBouncer(from, 'select count(*) from "User"')) > 0, "the seed ran");
  // A transaction id is assigned only on a primary: a standby refuses it.
  assert.match(await throughPgBouncer(from, "select txid_current()"), /^\d+$/);
});

step("Redis: the Sentinels name ha-redis-1 the primary, with ha-redis-2 its replica", { timeout: 60_000 }, async () => {
  const primary = await project.exec("ha-sentinel-1", [
    "redis-cli",
    "-p",
    "26379",
    "--raw",
    "sentinel",
    "get-master-addr-by-name",
    "likes",
  ]);
  assert.deepEqual(primary.trim().split("\n"), ["ha-redis-1", "6379"]);
  const role = await project.exec("ha-redis-2", ["redis-cli", "--raw", "role"]);
  assert.equal(role.split("\n")[0], "slave");
  for (const sentinel of ["ha-sentinel-1", "ha-sentinel-2", "ha-sentinel-3"])
    assert.match(await project.exec(sentinel, ["redis-cli", "-p", "26379", "sentinel", "ckquorum", "likes"]), /^OK/);
});

step(
  "the app, worker and ha-nginx up: over HTTP on ha-nginx, two users, a like, the owner's socket gets the push",
  { timeout: READY_TIMEOUT_MS + 120_000 },
  async () => {
    const started = performance.now();
    await project.run([...HA, "up", "-d", "ha-nginx"]);
    await project.waitReady(WHOLE, ["ha-migrate"], READY_TIMEOUT_MS);
    say(`app, worker and nginx healthy: ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await healthOk(HTTP);
    const alice = await signIn(HTTP, "alice");
    const bob = await signIn(HTTP, "bob");
    const bobTab = await tabs.connect(HTTP, bob);
    const { post } = await likeAndSeeItArrive(alice, "alice", bob, "bob", bobTab);
    Object.assign(state, { alice, bob, likedPost: post.id });
  },
);

step(
  "the Patroni leader's container stopped: the standby takes over and writes through PgBouncer land on it",
  { timeout: 240_000 },
  async () => {
    const { leader, standby } = state;
    assert.ok(leader && standby, "the Patroni step ran");
    const started = performance.now();
    await project.run(["stop", leader]);
    const stopped = performance.now();
    const elected = await eventually(
      `${standby} becomes the leader`,
      async () => (await members(standby)).find((m) => m.Member === standby && m.Role === "Leader"),
      120_000,
      500,
    );
    const electedAt = performance.now();
    // HAProxy marks the old node down and the new one up (GET /primary, every 2 s).
    await eventually(
      "a write through PgBouncer succeeds",
      async () => /^\d+$/.test(await throughPgBouncer(standby, "select txid_current()").catch(() => "")),
      60_000,
      500,
    );
    const writable = performance.now();
    say(
      `failover: stop took ${((stopped - started) / 1000).toFixed(1)} s; new leader ${elected.Member} (timeline ${elected.TL}) ${((electedAt - started) / 1000).toFixed(1)} s after the stop began; writes through PgBouncer ${((writable - started) / 1000).toFixed(1)} s`,
    );
  },
);

step(
  "after the failover, through ha-nginx: the like answered 200 before is kept, and a new like lands",
  { timeout: 120_000 },
  async () => {
    const { alice, bob, likedPost } = state;
    assert.ok(alice && bob && likedPost, "the smoke step ran");
    // Synchronous replication: the like answered 200 on the old primary is on the new one.
    const kept = await eventually(
      "the liked post reads back through the app",
      async () => {
        const res = await alice.get<{ likeCount: number; likedByMe: boolean }>(`/api/posts/${likedPost}`);
        return res.status === 200 ? res.body : undefined;
      },
      60_000,
      500,
    );
    assert.equal(kept.likedByMe, true);
    const next = (await postsBy(alice, "bob")).find((p) => !p.likedByMe);
    assert.ok(next, "alice has another photo of bob's to like");
    const liked = await alice.put(`/api/posts/${next.id}/like`);
    assert.equal(liked.status, 200, JSON.stringify(liked.body));
    assert.equal((await bob.get<{ likeCount: number }>(`/api/posts/${next.id}`)).body.likeCount, next.likeCount + 1);
  },
);

step("the old leader restarted: it rejoins as the synchronous standby", { timeout: 240_000 }, async () => {
  const { leader, standby } = state;
  assert.ok(leader && standby, "the Patroni step ran");
  const started = performance.now();
  await project.run(["start", leader]);
  const cluster = await eventually(
    `${leader} is the synchronous standby again`,
    async () => {
      const list = await members(standby);
      const back = list.find((m) => m.Member === leader);
      return back?.Role === "Sync Standby" && /^(streaming|running)$/.test(back.State) ? list : undefined;
    },
    180_000,
    1000,
  );
  say(
    `${leader} back as synchronous standby after ${((performance.now() - started) / 1000).toFixed(0)} s: ${cluster.map((m) => `${m.Member} ${m.Role} ${m.State}`).join(", ")}`,
  );
});

step(
  "docker compose --profile ha down -v leaves no container, volume or network behind",
  { timeout: 180_000 },
  async () => {
    tabs.closeAll();
    await project.run([...HA, "down", "-v", "--remove-orphans"]);
    assert.deepEqual(await project.containers(), []);
    assert.deepEqual(await project.api.volumes(project.name), []);
    assert.deepEqual(await project.api.networks(project.name), []);
  },
);
