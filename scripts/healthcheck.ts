// Container health checks (Dockerfile HEALTHCHECK, docker-compose.yml). Exit 0 healthy, 1 not.
//   node --import tsx scripts/healthcheck.ts app      GET /api/health on this container's own port:
//                                                     the app answers, and reaches Postgres and Redis.
//   node --import tsx scripts/healthcheck.ts worker   this container's notifications worker is
//                                                     connected to Redis and waiting for jobs.
// The worker has no HTTP port to ask. BullMQ names the Redis connections of its workers, and
// Queue.getWorkers() lists them with their client addresses: one coming from an address of this
// container proves the worker process is alive and connected, even with several worker replicas.
import { networkInterfaces } from "node:os";

const TIMEOUT_MS = 4000;

async function checkApp(): Promise<string> {
  const port = process.env.PORT ?? "3000";
  const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await res.text();
  if (!res.ok) throw new Error(`/api/health answered ${res.status}: ${body}`);
  return body;
}

function ownAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) addresses.add(info.address.replace(/^::ffff:/, ""));
  }
  return addresses;
}

/** "10.0.0.5:41234" or "[::1]:41234" (Redis CLIENT LIST addr) -> the address part. */
function hostOf(addr: string): string {
  const host = addr.slice(0, addr.lastIndexOf(":"));
  return host.replace(/^\[|\]$/g, "").replace(/^::ffff:/, "");
}

async function checkWorker(): Promise<string> {
  const { loadEnvOrExit } = await import("../server/env");
  loadEnvOrExit();
  const { Queue } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const { NOTIFICATIONS_QUEUE, queuePrefix } = await import("../server/queue");
  const { env } = await import("../server/env");

  // One attempt, no reconnecting: a health check reports, it does not wait for Redis to return.
  const connection = new Redis(env().REDIS_URL, { connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 1, retryStrategy: () => null });
  connection.on("error", () => {}); // reported by the failing command below
  const queue = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix: queuePrefix() });
  queue.on("error", () => {}); // same
  try {
    const workers = await queue.getWorkers();
    const mine = ownAddresses();
    const local = workers.filter((w) => typeof w.addr === "string" && mine.has(hostOf(w.addr)));
    if (!local.length) throw new Error(`no worker of queue "${NOTIFICATIONS_QUEUE}" is connected from this container (${workers.length} elsewhere)`);
    return `${local.length} worker connection(s) from this container`;
  } finally {
    await queue.close().catch(() => {});
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
