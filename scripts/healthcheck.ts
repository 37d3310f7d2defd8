// Container health checks (Dockerfile HEALTHCHECK, docker-compose.yml). Exit 0 healthy, 1 not.
//   node --import tsx scripts/healthcheck.ts app      GET /api/health?scope=instance on this
//                                                     container's own port: the app answers, and
//                                                     reaches Postgres and Redis. (The full
//                                                     /api/health also fails for a dead worker or a
//                                                     backlog, which restarting this app would not fix.)
//   node --import tsx scripts/healthcheck.ts worker   this container's notifications worker beat
//                                                     its heart in Redis within the last 15 s.
// The worker has no HTTP port to ask. It writes a heartbeat under its instance id
// (server/worker-heartbeat.ts); in compose that id is worker-<container hostname>, the same name
// this check computes, so each replica is judged by its own heartbeat. A process that died, or
// whose event loop is stuck, stops beating even while its Redis connections stay open.
import { hostname } from "node:os";

const TIMEOUT_MS = 4000;

async function checkApp(): Promise<string> {
  const port = process.env.PORT ?? "3000";
  const res = await fetch(`http://127.0.0.1:${port}/api/health?scope=instance`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await res.text();
  if (!res.ok) throw new Error(`/api/health answered ${res.status}: ${body}`);
  return body;
}

async function checkWorker(): Promise<string> {
  const { loadEnvOrExit } = await import("../server/env");
  loadEnvOrExit();
  const { Redis } = await import("ioredis");
  const { env } = await import("../server/env");
  const { workerBeats } = await import("../server/worker-heartbeat");

  const instance = process.env.INSTANCE_ID || `worker-${hostname()}`;
  // One attempt, no reconnecting: a health check reports, it does not wait for Redis to return.
  const connection = new Redis(env().REDIS_URL, { connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 1, retryStrategy: () => null });
  connection.on("error", () => {}); // reported by the failing command below
  try {
    const { live, stale } = await workerBeats(connection);
    const mine = live.find((b) => b.instance === instance);
    if (mine) return `${instance} beat ${mine.lastBeatMsAgo} ms ago`;
    const old = stale.find((b) => b.instance === instance);
    throw new Error(old ? `${instance} last beat ${Math.round(old.lastBeatMsAgo / 1000)} s ago` : `no heartbeat from ${instance} (live: ${live.map((b) => b.instance).join(", ") || "none"})`);
  } finally {
    connection.disconnect();
  }
}

const role = process.argv[2];
const checks: Record<string, () => Promise<string>> = { app: checkApp, worker: checkWorker };
const check = role ? checks[role] : undefined;
if (!check) {
  console.error("usage: node --import tsx scripts/healthcheck.ts app|worker");
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
