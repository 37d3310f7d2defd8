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

/**
 * Runs one named check with a deadline. A probe made of several calls wraps each in `part(name, …)`,
 * so a check that misses its deadline says which call had not answered (and how long the others
 * took) instead of only "no answer".
 */
async function check(
  probe: (
    part: <T>(name: string, call: Promise<T>) => Promise<T>,
  ) => Promise<Omit<CheckResult, "status"> & { failing?: string }>,
): Promise<CheckResult> {
  const started = performance.now();
  const pending = new Set<string>();
  const answered: string[] = [];
  const part = <T>(name: string, call: Promise<T>): Promise<T> => {
    pending.add(name);
    return call.finally(() => {
      pending.delete(name);
      answered.push(`${name} ${Math.round(performance.now() - started)} ms`);
    });
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      probe(part),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const waiting = pending.size ? `; waiting for ${[...pending].join(", ")}` : "";
          const done = answered.length ? `; answered: ${answered.join(", ")}` : "";
          reject(new Error(`no answer within ${TIMEOUT_MS} ms${waiting}${done}`));
        }, TIMEOUT_MS);
      }),
    ]);
    const { failing, ...rest } = result;
    return failing ? { status: "fail", detail: failing, ...rest } : { status: "ok", ...rest };
  } catch (error) {
    return { status: "fail", detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const readyRedis = async () => {
  await whenReady(redis(), 1000);
  return redis();
};

type OutboxState = { pending: number; oldestMs: number | null };

export async function runHealthChecks(scope: HealthScope): Promise<Record<string, CheckResult>> {
  const redisCheck = check(async () => (await (await readyRedis()).ping(), {}));
  if (scope === "instance") {
    const [dbResult, redisResult] = await Promise.all([
      check(async () => (await db().$queryRaw`SELECT 1`, {})),
      redisCheck,
    ]);
    return { db: dbResult, redis: redisResult };
  }

  // One statement serves both the db check (Postgres answers) and the backlog check: a product
  // check needs one pooled connection, not two, so a just-started instance does not open a second
  // one against the checks' deadline.
  const outbox = db().$queryRaw<OutboxState[]>`
    SELECT count(*)::int AS pending,
           (EXTRACT(EPOCH FROM (clock_timestamp() - min("createdAt"))) * 1000)::int AS "oldestMs"
    FROM "OutboxEvent" WHERE "processedAt" IS NULL`.then((rows) => rows[0]);
  outbox.catch(() => undefined); // reported by both checks below
  const dbCheck = check(async (part) => (await part("postgres", outbox), {}));
  const worker = check(async () => {
    const { live, stale } = await workerBeats(await readyRedis());
    const summary = (beats: WorkerBeat[]) =>
      beats.map((b) => `${b.instance} (${Math.round(b.lastBeatMsAgo / 1000)} s ago)`);
    return {
      live: live.length,
      instances: live.map((b) => b.instance),
      ...(live.length
        ? {}
        : {
            failing: stale.length
              ? `no worker heartbeat; last seen: ${summary(stale).join(", ")}`
              : "no worker has ever started",
          }),
    };
  });
  const backlog = check(async (part) => {
    const maxAgeMs = env().HEALTH_BACKLOG_MAX_AGE_MS;
    const [state, counts] = await Promise.all([
      part("postgres outbox query", outbox),
      part("queue job counts", notificationsQueue().getJobCounts("waiting", "active", "delayed", "failed")),
    ]);
    const oldestMs = state?.oldestMs ?? null;
    return {
      pendingEvents: state?.pending ?? 0,
      oldestPendingMs: oldestMs,
      maxAgeMs,
      jobs: counts,
      ...(oldestMs !== null && oldestMs > maxAgeMs
        ? { failing: `a notification has waited ${Math.round(oldestMs / 1000)} s (limit ${maxAgeMs / 1000} s)` }
        : {}),
    };
  });
  const [dbResult, redisResult, workerResult, backlogResult] = await Promise.all([
    dbCheck,
    redisCheck,
    worker,
    backlog,
  ]);
  return { db: dbResult, redis: redisResult, worker: workerResult, backlog: backlogResult };
}
