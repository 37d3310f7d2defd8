// What /api/health checks: everything a like needs to reach its owner, each check named.
//   db       Postgres answers
//   redis    Redis answers
//   worker   at least one notifications worker has beaten its heart recently (server/worker-heartbeat.ts)
//   backlog  no like's notification has waited too long: the oldest unprocessed outbox event is
//            younger than HEALTH_BACKLOG_MAX_AGE_MS (it is processed when its job completes, so
//            this covers the relay, the queue and the worker end to end); queue counts for context
// The "instance" scope checks only what this app instance itself needs to answer requests (db,
// redis): container healthchecks and `npm run stack` use it to decide whether to route to, or
// restart, this instance, which a dead worker would not fix.
import { db } from "./db";
import { env } from "./env";
import { notificationsQueue } from "./queue";
import { redis, whenReady } from "./redis";
import { workerBeats, type WorkerBeat } from "./worker-heartbeat";

export type CheckResult = { status: "ok" | "fail"; detail?: string; [key: string]: unknown };
export type HealthScope = "product" | "instance";

const TIMEOUT_MS = 1500;

async function check(probe: () => Promise<Omit<CheckResult, "status"> & { failing?: string }>): Promise<CheckResult> {
  try {
    const result = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)),
    ]);
    const { failing, ...rest } = result;
    return failing ? { status: "fail", detail: failing, ...rest } : { status: "ok", ...rest };
  } catch (error) {
    return { status: "fail", detail: error instanceof Error ? error.message : String(error) };
  }
}

const readyRedis = async () => {
  await whenReady(redis(), 1000);
  return redis();
};

export async function runHealthChecks(scope: HealthScope): Promise<Record<string, CheckResult>> {
  const basic = {
    db: check(async () => (await db().$queryRaw`SELECT 1`, {})),
    redis: check(async () => ((await (await readyRedis()).ping()), {})),
  };
  if (scope === "instance") return { db: await basic.db, redis: await basic.redis };

  const worker = check(async () => {
    const { live, stale } = await workerBeats(await readyRedis());
    const summary = (beats: WorkerBeat[]) => beats.map((b) => `${b.instance} (${Math.round(b.lastBeatMsAgo / 1000)} s ago)`);
    return {
      live: live.length,
      instances: live.map((b) => b.instance),
      ...(live.length ? {} : { failing: stale.length ? `no worker heartbeat; last seen: ${summary(stale).join(", ")}` : "no worker has ever started" }),
    };
  });
  const backlog = check(async () => {
    const maxAgeMs = env().HEALTH_BACKLOG_MAX_AGE_MS;
    const [[outbox], counts] = await Promise.all([
      db().$queryRaw<{ pending: number; oldestMs: number | null }[]>`
        SELECT count(*)::int AS pending,
               (EXTRACT(EPOCH FROM (clock_timestamp() - min("createdAt"))) * 1000)::int AS "oldestMs"
        FROM "OutboxEvent" WHERE "processedAt" IS NULL`,
      notificationsQueue().getJobCounts("waiting", "active", "delayed", "failed"),
    ]);
    const oldestMs = outbox?.oldestMs ?? null;
    return {
      pendingEvents: outbox?.pending ?? 0,
      oldestPendingMs: oldestMs,
      maxAgeMs,
      jobs: counts,
      ...(oldestMs !== null && oldestMs > maxAgeMs ? { failing: `a notification has waited ${Math.round(oldestMs / 1000)} s (limit ${maxAgeMs / 1000} s)` } : {}),
    };
  });
  const [dbResult, redisResult, workerResult, backlogResult] = await Promise.all([basic.db, basic.redis, worker, backlog]);
  return { db: dbResult, redis: redisResult, worker: workerResult, backlog: backlogResult };
}
