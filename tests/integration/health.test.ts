// /api/health tells the truth about the whole path of a like (server/health.ts): a worker killed
// with SIGKILL is reported within its heartbeat's staleness window, the notifications it owes are
// reported as a backlog once they wait too long, and both clear when a worker is back and drains it.
// The instance scope, which containers and `npm run stack` use, stays ok meanwhile: restarting the
// app would not help. The containers' own checks (scripts/healthcheck.mjs) are run as the engine
// runs them, against this stack.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { writeHeartbeatFile } from "../../server/worker-heartbeat";
import { ApiClient } from "../../tooling/api-client";
import { createPost, createUser, eventually, signedInClient, startTestStack, type TestStack } from "../support/harness";

let stack: TestStack;
let heartbeatDir: string;
before(async () => {
  heartbeatDir = await mkdtemp(path.join(tmpdir(), "likes-heartbeat-"));
  stack = await startTestStack("health", {
    env: { HEALTH_BACKLOG_MAX_AGE_MS: "2000", HEARTBEAT_FILE: path.join(heartbeatDir, "worker.json") },
  });
});
after(async () => {
  await stack?.stop();
  await rm(heartbeatDir, { recursive: true, force: true });
});

test("a killed worker and the backlog it leaves are reported, then clear once a worker is back", async () => {
  const health = () => new ApiClient(stack.url).get("/api/health");
  const first = await health();
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body.checks.worker.instances, ["worker-1"]);

  const worker = stack.workers[0]!;
  await worker.stop("SIGKILL");
  stack.workers.splice(0, 1);

  // A like the dead worker cannot deliver: committed, its event waiting in the outbox.
  const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
  const post = await createPost(stack.db, bob.id);
  assert.equal((await (await signedInClient(stack.url, alice)).put(`/api/posts/${post.id}/like`)).status, 200);

  // The heartbeat goes stale after 15 s; the backlog check fails after 2 s here.
  const failing = await eventually(
    "health reports the worker and the backlog",
    async () => {
      const res = await health();
      return (
        res.status === 503 &&
        res.body.checks.worker.status === "fail" &&
        res.body.checks.backlog.status === "fail" &&
        res
      );
    },
    30_000,
    250,
  );
  assert.equal(failing.body.error.code, "unavailable");
  assert.match(failing.body.error.message, /worker \(no worker heartbeat; last seen: worker-1/);
  assert.match(failing.body.error.message, /backlog \(a notification has waited \d+ s/);
  assert.equal(failing.body.checks.backlog.pendingEvents, 1);
  assert.equal(failing.body.checks.db.status, "ok");
  // This instance itself is fine: its container is not restarted for a worker's death.
  assert.equal((await new ApiClient(stack.url).get("/api/health?scope=instance")).status, 200);

  await stack.startWorker("worker-2");
  const recovered = await eventually(
    "health recovers",
    async () => {
      const res = await health();
      return res.status === 200 && res;
    },
    30_000,
    250,
  );
  assert.deepEqual(recovered.body.checks.worker.instances, ["worker-2"]);
  assert.equal(recovered.body.checks.backlog.pendingEvents, 0);
  assert.equal(
    await stack.db.notification.count({ where: { recipientId: bob.id } }),
    1,
    "the owed notification was delivered",
  );
});

test("a worker stopping on purpose takes its heartbeat with it", async () => {
  const worker = stack.workers[0]!;
  await worker.stop("SIGTERM");
  stack.workers.splice(0, 1);
  const res = await new ApiClient(stack.url).get("/api/health");
  assert.equal(res.status, 503);
  assert.match(res.body.checks.worker.detail, /no worker has ever started|last seen: worker-1/);
  assert.ok(!res.body.checks.worker.detail.includes("worker-2"), "worker-2 left no stale beat");
  await stack.startWorker("worker-3");
});

/** scripts/healthcheck.mjs as a container engine runs it: plain node, the exit status is the answer. */
async function containerCheck(
  role: string,
  env: Record<string, string | undefined>,
): Promise<{ healthy: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/healthcheck.mjs", role], {
      env: { PATH: process.env.PATH, NODE_ENV: "production", ...env },
    });
    return { healthy: true, output: stdout.trim() };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    assert.equal(failed.code, 1, `exit status 1 for unhealthy: ${JSON.stringify(failed)}`);
    return { healthy: false, output: String(failed.stderr).trim() };
  }
}

test("the containers' own checks: the app's instance health, and the heartbeat file the worker writes after each beat", async () => {
  const app = await containerCheck("app", { PORT: String(stack.apps[0]!.port) });
  assert.ok(app.healthy, app.output);
  assert.match(app.output, /^healthy: .*"scope":"instance"/);
  const closedPort = await containerCheck("app", { PORT: "1" });
  assert.equal(closedPort.healthy, false);

  // The running worker (worker-3, started by the test above) has written its beat.
  const file = path.join(heartbeatDir, "worker.json");
  const fresh = await eventually(
    "the worker's heartbeat file",
    async () => {
      const result = await containerCheck("worker", { HEARTBEAT_FILE: file });
      return result.healthy && result;
    },
    10_000,
    250,
  );
  assert.match(fresh.output, /^healthy: worker-3 beat \d+ ms ago$/);

  // Killed, it writes no more; a beat older than the file's own limit (15 s) is unhealthy.
  await stack.workers[0]!.stop("SIGKILL");
  stack.workers.splice(0, 1);
  await writeHeartbeatFile(file, "worker-3", Date.now() - 60_000);
  const stale = await containerCheck("worker", { HEARTBEAT_FILE: file });
  assert.equal(stale.healthy, false);
  assert.match(stale.output, /^unhealthy: worker-3 last beat 6\d s ago \(limit 15 s\)$/);

  await rm(file);
  assert.match((await containerCheck("worker", { HEARTBEAT_FILE: file })).output, /^unhealthy: no heartbeat yet/);
  assert.match((await containerCheck("worker", {})).output, /^unhealthy: HEARTBEAT_FILE is not set/);
});
