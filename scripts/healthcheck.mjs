// @ts-check
// Container health checks (Dockerfile HEALTHCHECK, docker-compose.yml). Exit 0 healthy, 1 not.
//   node scripts/healthcheck.mjs app      GET /api/health?scope=instance on this container's own
//                                         port: the app answers, and reaches Postgres and Redis.
//                                         (The full /api/health also fails for a dead worker or a
//                                         backlog, which restarting this app would not fix.)
//   node scripts/healthcheck.mjs worker   this container's notifications worker beat its heart
//                                         recently: the beat it wrote to HEARTBEAT_FILE after Redis
//                                         took it (server/worker-heartbeat.ts) is younger than the
//                                         staleness limit the file states.
// Plain JavaScript on purpose, importing nothing of the project's: the engine runs this every 10
// to 15 s in every replica, and loading TypeScript through tsx made each run cost 1.1 to 1.5 s of
// CPU (2.5 to 5 s of wall time) on a 2-core machine (docs/decisions/020-container-healthchecks.md).
// A worker whose event loop is stuck, or which has lost Redis, writes no beat, so its file ages.
import { readFile } from "node:fs/promises";

const TIMEOUT_MS = 4000;

/** @returns {Promise<string>} */
async function checkApp() {
  const port = process.env.PORT ?? "3000";
  const res = await fetch(`http://127.0.0.1:${port}/api/health?scope=instance`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`/api/health answered ${res.status}: ${body}`);
  return body;
}

/** @returns {Promise<string>} */
async function checkWorker() {
  const path = process.env.HEARTBEAT_FILE;
  if (!path) throw new Error("HEARTBEAT_FILE is not set: the worker writes no heartbeat file to check");
  /** @type {string} */
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    throw new Error(
      code === "ENOENT" ? `no heartbeat yet (${path} does not exist)` : `cannot read ${path}: ${String(error)}`,
    );
  }
  /** @type {{ instance?: unknown; beatAt?: unknown; staleAfterMs?: unknown }} */
  const beat = JSON.parse(text);
  if (typeof beat.beatAt !== "number" || typeof beat.staleAfterMs !== "number")
    throw new Error(`${path} is not a heartbeat: ${text.slice(0, 200)}`);
  const ageMs = Date.now() - beat.beatAt;
  if (ageMs > beat.staleAfterMs)
    throw new Error(
      `${String(beat.instance)} last beat ${Math.round(ageMs / 1000)} s ago (limit ${beat.staleAfterMs / 1000} s)`,
    );
  return `${String(beat.instance)} beat ${ageMs} ms ago`;
}

/** @type {Record<string, () => Promise<string>>} */
const checks = { app: checkApp, worker: checkWorker };
const role = process.argv[2];
const check = role ? checks[role] : undefined;
if (!check) {
  console.error("usage: node scripts/healthcheck.mjs app|worker");
  process.exit(64);
}
const timer = setTimeout(() => {
  console.error(`unhealthy: no answer within ${TIMEOUT_MS + 1000} ms`);
  process.exit(1);
}, TIMEOUT_MS + 1000);
try {
  console.log(`healthy: ${await check()}`);
  clearTimeout(timer);
  process.exit(0);
} catch (error) {
  console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
