// `podman kube play` of deploy/kubernetes/overlays/podman, on the images the compose suite builds:
// the Kubernetes manifests' app, worker and nginx pods, over the overlay's plain-Pod data tier,
// run for real by podman 4.3 (issue 23, item 3). It needs podman itself (the compose suite runs
// under .ci/compose/with-podman, whose healthcheck ticker runs the liveness probes podman turns
// into healthchecks) and kubectl (kustomize).
//
// In order: the images (the compose suite's own `build`, cached when compose.test.ts ran first);
// the overlay rendered with `kubectl kustomize`; podman secrets of random values (4.3 cannot take
// Secret documents) and a podman network of its own; the data tier played, then the migration Pod
// (waited for until it exits 0), then app and worker, then nginx, each with `--build=false`;
// through nginx's published port, two seeded users, a like and the owner's socket push; both app
// replicas answering /api/health; the worker's node process SIGKILLed, restarted by podman, and a
// like made meanwhile arriving; last, `podman kube down` and the volumes, secrets and network
// removed, with nothing left behind (after() does the same when a step failed).
//
// nginx publishes on a loopback address and port of its own (KUBE_PLAY_TEST_BIND_ADDRESS, default
// 127.0.0.4, and KUBE_PLAY_TEST_PORT, default 18080): the test rewrites the overlay's
// 127.0.0.1:8080 in the rendered document, so neither a developer's stack nor compose.test.ts
// (127.0.0.3) is touched. The pods, volumes and secrets have the overlay's fixed names (the
// manifests name them, and podman's names are global): a run first removes what an interrupted
// earlier run left of them, which would also take down a play of the overlay of one's own on the
// same machine.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { stringify } from "yaml";
import type { ApiClient } from "../../tooling/api-client";
import { containers, podSpecs, renderOverlay, type Doc } from "../../tooling/kubernetes";
import { ROOT } from "../../tooling/paths";
import { eventually } from "../support/harness";
import { ComposeProject } from "./support/compose";
import { healthOk, likeAndSeeItArrive, signIn, Tabs, type Tab } from "./support/smoke";

const BIND = process.env.KUBE_PLAY_TEST_BIND_ADDRESS ?? "127.0.0.4";
const PORT = Number(process.env.KUBE_PLAY_TEST_PORT ?? 18080);
const HTTP = `http://${BIND}:${PORT}`;
const NETWORK_PREFIX = "likes-kubeplay-";
const network = `${NETWORK_PREFIX}${randomBytes(3).toString("hex")}`;
/** The podman secrets the manifests read (secretKeyRef): CloudNativePG's and the installation's. */
const SECRETS = ["likes-db-app", "likes-app"];
const READY_TIMEOUT_MS = 240_000;
const POLL_MS = 1000;

const say = (line: string) => console.log(`# kube play: ${line}`);
const tabs = new Tabs();
const workDir = mkdtempSync(path.join(os.tmpdir(), "likes-kubeplay-"));

type Run = { status: number; stdout: string; stderr: string };

/** podman CLI (CONTAINERS_CONF from with-podman); rejects with its output when it fails. */
function podman(args: string[], opts: { allowFailure?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("podman", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const run = { status: code ?? 1, stdout, stderr };
      if (run.status !== 0 && !opts.allowFailure)
        reject(new Error(`podman ${args.join(" ")} exited ${run.status}:\n${(stdout + stderr).slice(-4000)}`));
      else resolve(run);
    });
  });
}

// --- what is played -----------------------------------------------------------------------------

/** The rendered overlay, in the order it is played: each stage's documents waited for before the next. */
type Stage = { name: string; file: string; docs: Doc[] };
const stages: Stage[] = [];
/** Every podman volume the manifests make: PVCs by claim name, emptyDirs and ConfigMap volumes by volume name. */
const volumeNames = new Set<string>();
/** Every container the manifests make, as podman names them: <pod>-<container>, a Deployment's pods <name>-pod-<i>. */
const containerNames = new Map<string, string>(); // container -> its pod

function podNamesOf(doc: Doc): string[] {
  if (doc.kind === "Pod") return [doc.metadata.name];
  if (doc.kind !== "Deployment") return [];
  const replicas = ((doc.spec as { replicas?: number }).replicas ?? 1) as number;
  return Array.from({ length: replicas }, (_, i) => `${doc.metadata.name}-pod-${i}`);
}

function prepareStages(): void {
  const docs = renderOverlay("podman");
  const kinds = new Set(docs.map((d) => d.kind));
  assert.deepEqual([...kinds].sort(), ["ConfigMap", "Deployment", "PersistentVolumeClaim", "Pod"]);
  // nginx's published port: this test's own address and port instead of the overlay's 127.0.0.1:8080.
  const nginx = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "likes-nginx");
  assert.ok(nginx, "the overlay has the nginx Deployment");
  const [nginxPod] = podSpecs(nginx);
  const http = (
    containers(nginxPod!)[0]!.container.ports as { name: string; hostIP?: string; hostPort?: number }[]
  )[0]!;
  assert.deepEqual([http.name, http.hostIP, http.hostPort], ["http", "127.0.0.1", 8080]);
  Object.assign(http, { hostIP: BIND, hostPort: PORT });

  const byName = (kind: string, ...names: string[]) =>
    names.map((name) => {
      const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
      assert.ok(d, `the overlay renders ${kind}/${name}`);
      return d;
    });
  const configMaps = docs.filter((d) => d.kind === "ConfigMap");
  const plan: [string, Doc[]][] = [
    [
      "data",
      [
        ...byName("PersistentVolumeClaim", "likes-postgres-data", "likes-redis-data"),
        ...byName("Pod", "likes-db-rw", "likes-db-pooler-rw", "likes-redis"),
      ],
    ],
    ["migrate", [...configMaps, ...byName("Pod", "likes-migrate")]],
    [
      "app",
      [
        ...configMaps,
        ...byName("PersistentVolumeClaim", "likes-uploads"),
        ...byName("Deployment", "likes-app", "likes-worker"),
      ],
    ],
    ["nginx", [...configMaps, ...byName("Deployment", "likes-nginx")]],
  ];
  const played = new Set(plan.flatMap(([, ds]) => ds));
  assert.deepEqual(
    docs.filter((d) => !played.has(d)).map((d) => `${d.kind}/${d.metadata.name}`),
    [],
    "every document is played in one stage",
  );
  for (const [name, stageDocs] of plan) {
    const file = path.join(workDir, `${name}.yaml`);
    writeFileSync(file, stageDocs.map((d) => stringify(d)).join("---\n"));
    stages.push({ name, file, docs: stageDocs });
  }
  for (const d of docs) {
    if (d.kind === "PersistentVolumeClaim") volumeNames.add(d.metadata.name);
    for (const pod of podSpecs(d)) {
      for (const v of (pod.spec.volumes ?? []) as { name: string; emptyDir?: unknown; configMap?: unknown }[])
        if (v.emptyDir || v.configMap) volumeNames.add(v.name);
      for (const podName of podNamesOf(d))
        for (const { container } of containers(pod))
          containerNames.set(`${podName}-${String(container.name)}`, podName);
    }
  }
}

/** The containers of one stage, as podman names them. */
const containersOf = (stage: Stage) =>
  stage.docs.flatMap(podNamesOf).flatMap((pod) => [...containerNames].filter(([, p]) => p === pod).map(([c]) => c));
const stage = (name: string) => stages.find((s) => s.name === name)!;

// --- podman state -------------------------------------------------------------------------------

type Inspected = {
  Name: string;
  RestartCount?: number;
  State: {
    Status: string;
    ExitCode: number;
    Pid: number;
    StartedAt: string;
    Health?: { Status: string };
    Healthcheck?: { Status: string };
  };
  Config: { Healthcheck?: unknown };
};

async function inspect(names: string[]): Promise<Map<string, Inspected>> {
  const run = await podman(["container", "inspect", ...names], { allowFailure: true });
  const found = new Map<string, Inspected>();
  // With a name that does not exist (yet), podman prints the others and exits non-zero.
  const list = run.stdout.trim() ? (JSON.parse(run.stdout) as Inspected[]) : [];
  for (const c of list) found.set(c.Name, c);
  return found;
}

const healthOf = (c: Inspected) => c.State.Health?.Status || c.State.Healthcheck?.Status || null;

async function logs(names: string[]): Promise<string> {
  const out: string[] = [];
  for (const name of names) {
    const run = await podman(["logs", "--tail", "30", name], { allowFailure: true });
    out.push(`--- ${name}\n${(run.stdout + run.stderr).trim()}`);
  }
  return out.join("\n");
}

/** Every named container running, and healthy where it has a healthcheck (a liveness probe). */
async function waitHealthy(names: string[], timeoutMs = READY_TIMEOUT_MS): Promise<Map<string, Inspected>> {
  let last = new Map<string, Inspected>();
  try {
    return await eventually(
      `${names.join(", ")} running and healthy`,
      async () => {
        last = await inspect(names);
        const ready = names.every((n) => {
          const c = last.get(n);
          return c && c.State.Status === "running" && (!c.Config.Healthcheck || healthOf(c) === "healthy");
        });
        return ready ? last : undefined;
      },
      timeoutMs,
      POLL_MS,
    );
  } catch (error) {
    const states = names
      .map((n) => {
        const c = last.get(n);
        return `  ${n}: ${c ? `${c.State.Status} ${healthOf(c) ?? ""} exit ${c.State.ExitCode} restarts ${c.RestartCount ?? 0}` : "missing"}`;
      })
      .join("\n");
    throw new Error(`${(error as Error).message}\n${states}\n${await logs(names)}`);
  }
}

async function play(s: Stage): Promise<void> {
  // Fails (non-zero) when a container does not start.
  await podman(["kube", "play", "--build=false", "--network", network, s.file]);
  say(`played ${s.name}: ${containersOf(s).join(", ")}`);
}

// --- secrets and cleanup ------------------------------------------------------------------------

/**
 * A podman secret holding a JSON object, as `secretKeyRef` reads it in 4.3: each value base64,
 * written to a file of mode 600 that is removed at once.
 */
async function createSecret(name: string, values: Record<string, string>): Promise<void> {
  const encoded = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  const file = path.join(workDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(encoded), { mode: 0o600 });
  try {
    await podman(["secret", "create", name, file]);
  } finally {
    rmSync(file, { force: true });
  }
}

async function existing(): Promise<{ containers: string[]; volumes: string[]; secrets: string[]; networks: string[] }> {
  const names = async (args: string[]) =>
    (await podman(args)).stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  const allContainers = await names(["ps", "-a", "--format", "{{.Names}}"]);
  const pods = await names(["pod", "ps", "--format", "{{.Name}}"]);
  const podNames = new Set(containerNames.values());
  return {
    containers: [
      ...allContainers.filter((c) => containerNames.has(c)),
      ...pods.filter((p) => podNames.has(p)).map((p) => `pod ${p}`),
    ],
    volumes: (await names(["volume", "ls", "--format", "{{.Name}}"])).filter((v) => volumeNames.has(v)),
    secrets: (await names(["secret", "ls", "--format", "{{.Name}}"])).filter((s) => SECRETS.includes(s)),
    networks: (await names(["network", "ls", "--format", "{{.Name}}"])).filter((n) => n.startsWith(NETWORK_PREFIX)),
  };
}

/** kube down of every stage (last first), then the volumes, secrets and networks it leaves. */
async function teardown(): Promise<void> {
  for (const s of [...stages].reverse())
    if (existsSync(s.file)) await podman(["kube", "down", s.file], { allowFailure: true });
  const left = await existing();
  for (const c of left.containers.filter((c) => c.startsWith("pod ")))
    await podman(["pod", "rm", "--force", c.slice(4)], { allowFailure: true });
  if (left.volumes.length) await podman(["volume", "rm", "--force", ...left.volumes], { allowFailure: true });
  if (left.secrets.length) await podman(["secret", "rm", ...left.secrets], { allowFailure: true });
  for (const n of left.networks) await podman(["network", "rm", "--force", n], { allowFailure: true });
}

/** test(), printing the pods' last log lines when it fails. */
function step(name: string, options: { timeout: number }, fn: () => Promise<void>) {
  test(name, options, async () => {
    try {
      await fn();
    } catch (error) {
      const names = [...containerNames.keys()];
      if (names.length) say(`the containers' last log lines:\n${await logs(names)}`);
      throw error;
    }
  });
}

// --- the run ------------------------------------------------------------------------------------

const secrets = {
  dbPassword: randomBytes(24).toString("hex"),
  nextauthSecret: randomBytes(32).toString("base64"),
  seedPassword: randomBytes(12).toString("base64url"),
};
const state: { alice?: ApiClient; bob?: ApiClient; bobTab?: Tab } = {};

before(async () => {
  prepareStages();
  const left = await existing();
  if (Object.values(left).some((l) => l.length)) {
    say(`removing what an earlier run left: ${JSON.stringify(left)}`);
    await teardown();
  }
});

after(async () => {
  tabs.closeAll();
  // Whatever happened above, leave nothing behind.
  await teardown();
  rmSync(workDir, { recursive: true, force: true });
});

step(
  "the images, built by the compose suite's own build (cached after compose.test.ts)",
  { timeout: 20 * 60_000 },
  async () => {
    const build = await new ComposeProject(`likeskubeplay${randomBytes(3).toString("hex")}`).run([
      "build",
      "app",
      "pgbouncer",
      "nginx",
    ]);
    say(`build: ${build.seconds.toFixed(0)} s`);
    for (const image of ["likes-app:local", "likes-pgbouncer:local", "likes-nginx:local"])
      assert.equal((await podman(["image", "exists", image], { allowFailure: true })).status, 0, image);
  },
);

step("podman secrets of random values and a network of its own", { timeout: 60_000 }, async () => {
  await createSecret("likes-db-app", {
    username: "likes",
    password: secrets.dbPassword,
    // Straight to Postgres (the migration), and through PgBouncer (app and worker).
    uri: `postgresql://likes:${secrets.dbPassword}@likes-db-rw:5432/likes`,
    "pooler-uri": `postgresql://likes:${secrets.dbPassword}@likes-db-pooler-rw:6432/likes`,
  });
  await createSecret("likes-app", { "nextauth-secret": secrets.nextauthSecret, "seed-password": secrets.seedPassword });
  await podman(["network", "create", network]);
  const left = await existing();
  assert.deepEqual(left.secrets.sort(), [...SECRETS].sort());
  assert.deepEqual(left.networks, [network]);
});

step(
  "the data tier plays and is healthy; the migration Pod migrates, seeds and exits 0",
  { timeout: 2 * READY_TIMEOUT_MS + 60_000 },
  async () => {
    await play(stage("data"));
    await waitHealthy(containersOf(stage("data")));
    await play(stage("migrate"));
    const [migrate] = containersOf(stage("migrate"));
    assert.equal(migrate, "likes-migrate-migrate");
    const done = await eventually(
      "the migration Pod's container exits",
      async () => {
        const c = (await inspect([migrate])).get(migrate);
        return c && c.State.Status === "exited" ? c : undefined;
      },
      READY_TIMEOUT_MS,
      POLL_MS,
    );
    assert.equal(done.State.ExitCode, 0, `the migration exited ${done.State.ExitCode}:\n${await logs([migrate])}`);
    assert.equal(done.RestartCount ?? 0, 0, "restartPolicy Never: it ran once");
    assert.match((await podman(["logs", migrate])).stdout, /seed/i);
  },
);

step(
  "app (two replicas) and worker play and are healthy; then nginx, published on its own address",
  { timeout: 2 * READY_TIMEOUT_MS + 60_000 },
  async () => {
    await play(stage("app"));
    const app = containersOf(stage("app"));
    assert.deepEqual(app.sort(), ["likes-app-pod-0-app", "likes-app-pod-1-app", "likes-worker-pod-0-worker"]);
    await waitHealthy(app);
    await play(stage("nginx"));
    await waitHealthy(containersOf(stage("nginx")));
    const pod = await podman(["pod", "inspect", "likes-nginx-pod-0"], { allowFailure: true });
    say(
      `nginx's pod publishes: ${JSON.stringify((JSON.parse(pod.stdout || "{}") as { InfraConfig?: { PortBindings?: unknown } }).InfraConfig?.PortBindings)}`,
    );
    await healthOk(HTTP);
  },
);

step("through nginx: two seeded users, a like, the owner's socket gets the push", { timeout: 120_000 }, async () => {
  const alice = await signIn(HTTP, "alice", secrets.seedPassword);
  const bob = await signIn(HTTP, "bob", secrets.seedPassword);
  const bobTab = await tabs.connect(HTTP, bob);
  await likeAndSeeItArrive(alice, "alice", bob, "bob", bobTab);
  Object.assign(state, { alice, bob, bobTab });
});

step("both app replicas answer through nginx; /api/health names each pod", { timeout: 60_000 }, async () => {
  const answered = new Set<string>();
  for (let i = 0; i < 20; i++) answered.add(await healthOk(HTTP));
  // INSTANCE_ID comes from the pod's name (fieldRef metadata.name).
  assert.deepEqual([...answered].sort(), ["likes-app-pod-0", "likes-app-pod-1"]);
});

step(
  "the worker's node process SIGKILLed: podman restarts it, and a like made meanwhile arrives",
  { timeout: READY_TIMEOUT_MS + 180_000 },
  async () => {
    const { alice, bob, bobTab } = state;
    assert.ok(alice && bob && bobTab, "the like step ran");
    const worker = "likes-worker-pod-0-worker";
    const before = (await inspect([worker])).get(worker);
    assert.ok(before && before.State.Status === "running", `${worker} runs`);
    // node is PID 1 in its container (no init, as on a kubelet), and the kernel drops a SIGKILL sent
    // to a namespace's PID 1 from inside that namespace: it is sent from the host, to the same
    // process. A crash, not `podman kill` or `podman stop`, which mark the container as stopped by
    // the user, so that the restart policy would not apply.
    const cmdline = readFileSync(`/proc/${before.State.Pid}/cmdline`, "utf8").split("\0").join(" ");
    assert.match(cmdline, /^node .*workers\/notifications\.ts/, `the container's process is the worker: ${cmdline}`);
    process.kill(before.State.Pid, "SIGKILL");
    say(`SIGKILL to ${worker}'s node (pid ${before.State.Pid} on the host, restarts ${before.RestartCount ?? 0})`);

    // A like while the worker is down (or coming back): its job waits in Redis for the new worker.
    const likedAt = new Date();
    const { notification } = await likeAndSeeItArrive(
      bob,
      "bob",
      alice,
      "alice",
      await tabs.connect(HTTP, alice),
      120_000,
    );
    assert.equal(notification.actor.username, "bob");

    const restarted = await eventually(
      `${worker} restarted by podman`,
      async () => {
        const c = (await inspect([worker])).get(worker);
        return c && c.State.Status === "running" && (c.RestartCount ?? 0) > (before.RestartCount ?? 0) ? c : undefined;
      },
      60_000,
      POLL_MS,
    );
    assert.notEqual(restarted.State.Pid, before.State.Pid, "a new process");
    say(
      `restarted (restart count ${restarted.RestartCount}, started ${restarted.State.StartedAt}; the like was made at ${likedAt.toISOString()})`,
    );
    await waitHealthy([worker]);
    // The product's health again: the worker's beat is live.
    await eventually(
      "/api/health is ok with the new worker",
      () =>
        healthOk(HTTP).then(
          () => true,
          () => false,
        ),
      60_000,
      POLL_MS,
    );
  },
);

step(
  "podman kube down, then its volumes, secrets and network removed: nothing is left",
  { timeout: 180_000 },
  async () => {
    tabs.closeAll();
    const volumesBefore = (await existing()).volumes;
    say(`volumes played: ${volumesBefore.join(", ")}`);
    await teardown();
    assert.deepEqual(await existing(), { containers: [], volumes: [], secrets: [], networks: [] });
  },
);
