// The app image's size and cold start: what docs/deployment.md ("The image") quotes.
//   node --import tsx scripts/measure-image.ts [IMAGE] [--runs N]     (IMAGE: likes-app:local)
// Build the image first (docker compose build, or `podman build -t likes-app:local .`). Prints:
//   - its size as the engine reports it (uncompressed, all layers, the base image's included) and
//     as `save | gzip` bytes (about what a registry stores and a node pulls);
//   - N times (default 3): from `run -d` to the app answering /api/health?scope=instance, and from
//     `run -d` to the notifications worker's first heartbeat (its HEARTBEAT_FILE, which the worker
//     writes after Redis took the beat). Each run is a new container of the same image, started
//     against the machine's Postgres and Redis (host network), with a database of its own that is
//     migrated once beforehand (scripts/migrate.ts, in the image) and dropped at the end.
// Figures are printed, not judged. The engine is podman unless CONTAINER_ENGINE says otherwise;
// on the CI machines podman needs .ci/compose/containers.conf, used when CONTAINERS_CONF is unset.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createGzip } from "node:zlib";
import { Redis } from "ioredis";
import { ROOT } from "../tooling/paths";
import { dropDatabase, ensureDatabase } from "../tooling/postgres";
import { freePort } from "../tooling/processes";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const image = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs") ?? "likes-app:local";
const engine = process.env.CONTAINER_ENGINE ?? "podman";
const ciConf = path.join(ROOT, ".ci/compose/containers.conf");
if (engine === "podman" && !process.env.CONTAINERS_CONF && existsSync(ciConf)) process.env.CONTAINERS_CONF = ciConf;

const TIMEOUT_MS = 120_000;
const id = `${process.pid}_${randomBytes(3).toString("hex")}`;
const databaseUrl = `postgresql://postgres@127.0.0.1:5432/likes_measure_image_${id}`;
const env: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  REDIS_PREFIX: `likes-measure-image-${id}`,
  NEXTAUTH_SECRET: randomBytes(24).toString("base64"),
  AUTH_TRUST_HOST: "true",
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
};

function engineSync(argv: string[]): string {
  const result = spawnSync(engine, argv, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${engine} ${argv.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return result.stdout.trim();
}

const envArgs = (extra: Record<string, string>) =>
  Object.entries({ ...env, ...extra }).flatMap(([k, v]) => ["-e", `${k}=${v}`]);

/** `save | gzip`, counted without writing the archive anywhere. */
function gzippedBytes(): Promise<number> {
  return new Promise((resolve, reject) => {
    const save = spawn(engine, ["save", image], { stdio: ["ignore", "pipe", "inherit"] });
    const gzip = createGzip();
    let bytes = 0;
    gzip.on("data", (chunk: Buffer) => (bytes += chunk.length));
    gzip.on("end", () => resolve(bytes));
    save.on("error", reject);
    save.on("exit", (code) => code !== 0 && reject(new Error(`${engine} save ${image} exited ${code}`)));
    save.stdout.pipe(gzip);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds from `run -d` until `ready()` holds; the container is removed afterwards. */
async function timeStart(runArgs: string[], ready: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  const container = engineSync(["run", "-d", "--network", "host", ...runArgs]);
  try {
    for (;;) {
      if (await ready().catch(() => false)) return performance.now() - started;
      if (performance.now() - started > TIMEOUT_MS) {
        const logs = spawnSync(engine, ["logs", "--tail", "30", container], { encoding: "utf8" });
        throw new Error(`not ready after ${TIMEOUT_MS / 1000} s:\n${logs.stdout}${logs.stderr}`);
      }
      // Same container state: only the probe's own cost bounds the resolution (about 50 ms).
      await sleep(50);
    }
  } finally {
    spawnSync(engine, ["rm", "-f", "-t", "0", container], { stdio: "ignore" });
  }
}

async function main(): Promise<void> {
  const size = Number(engineSync(["image", "inspect", "--format", "{{.Size}}", image]));
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  console.log(`${image}: ${mb(size)} uncompressed (${engine} image inspect), measuring save | gzip...`);
  console.log(`${image}: ${mb(await gzippedBytes())} as ${engine} save | gzip`);

  await ensureDatabase(databaseUrl);
  const beats = mkdtempSync(path.join(tmpdir(), "likes-measure-image-"));
  // The worker runs as the image's `node` user and writes its heartbeat here.
  chmodSync(beats, 0o777);
  try {
    const migrate = spawnSync(
      engine,
      ["run", "--rm", "--network", "host", ...envArgs({}), image, "node", "--import", "tsx", "scripts/migrate.ts"],
      { encoding: "utf8" },
    );
    if (migrate.status !== 0) throw new Error(`migrate failed:\n${migrate.stdout}${migrate.stderr}`);

    const app: number[] = [];
    const worker: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const port = await freePort();
      const metricsPort = await freePort();
      app.push(
        await timeStart([...envArgs({ PORT: String(port), METRICS_PORT: String(metricsPort) }), image], async () => {
          const res = await fetch(`http://127.0.0.1:${port}/api/health?scope=instance`, {
            signal: AbortSignal.timeout(2000),
          });
          return res.ok;
        }),
      );
      const file = path.join(beats, `beat-${run}.json`);
      worker.push(
        await timeStart(
          [
            ...envArgs({ HEARTBEAT_FILE: `/beats/beat-${run}.json`, METRICS_PORT: String(metricsPort) }),
            "-v",
            `${beats}:/beats`,
            image,
            "node",
            "--import",
            "tsx",
            "workers/notifications.ts",
          ],
          async () => existsSync(file) && typeof JSON.parse(readFileSync(file, "utf8")).beatAt === "number",
        ),
      );
      console.log(
        `run ${run}: app answers /api/health?scope=instance after ${(app.at(-1)! / 1000).toFixed(2)} s; ` +
          `worker's first heartbeat after ${(worker.at(-1)! / 1000).toFixed(2)} s`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! / 1000;
    console.log(`median of ${runs}: app ${median(app).toFixed(2)} s, worker ${median(worker).toFixed(2)} s`);
  } finally {
    rmSync(beats, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
    // The runs' keys (heartbeats, queues) are all under this run's prefix.
    const redis = new Redis(env.REDIS_URL!);
    const keys = await redis.keys(`${env.REDIS_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
