// The notifications worker (`npm run worker`), its own process: the worker hop of a like.
// Takes each job from the queue and delivers its outbox event (server/delivery.ts): the owner's
// inbox brought in line with the like, then one push to the owner's Socket.IO room. Also runs
// the outbox relay, which enqueues events that never reached the queue, the uploads sweeper, which
// removes photo files no post shows (server/uploads.ts), and beats a heartbeat that /api/health and
// the container healthcheck look for.
import { Worker, type ConnectionOptions } from "bullmq";
import { db } from "../server/db";
import { deliver, markProcessed, pendingEvents, pruneProcessed, type DeliveryResult } from "../server/delivery";
import { loadEnvOrExit } from "../server/env";
import { log } from "../server/log";
import {
  NOTIFICATIONS_QUEUE,
  enqueueNotification,
  notificationJobSchema,
  notificationWorkerLocking,
  notificationsQueue,
  queuePrefix,
  type NotificationJob,
} from "../server/queue";
import { createRedis, redis, whenReady } from "../server/redis";
import { pruneRevokedSessions } from "../server/session-revocation";
import { sweepUploads } from "../server/uploads";
import { continueStoredTrace, jobTelemetry } from "../server/telemetry/jobs";
import { serveWorkerMetrics } from "../server/telemetry/metrics-server";
import { beat, forget, writeHeartbeatFile, HEARTBEAT_INTERVAL_MS } from "../server/worker-heartbeat";

const config = loadEnvOrExit();
process.env.SERVICE_NAME ??= "worker"; // names this process in every log line (server/log.ts)

// Pushes wait for Redis (offline queue on): a push the job awaited has reached Redis. Commands
// issued in one tick leave in one write (ioredis's auto-pipelining): a job's journey figures and
// its push, and the pushes of jobs that finish together.
const push = createRedis("emitter", { enableAutoPipelining: true });

const worker = new Worker<NotificationJob, DeliveryResult>(
  NOTIFICATIONS_QUEUE,
  async (job) => {
    const { eventId } = notificationJobSchema.parse(job.data);
    const result = await deliver(eventId, push);
    log.info({ eventId, jobId: job.id, attempt: job.attemptsMade + 1, result }, "notification job done");
    return result;
  },
  {
    // Blocking connection: BullMQ requires maxRetriesPerRequest null on workers.
    connection: createRedis("worker", { maxRetriesPerRequest: null }) as ConnectionOptions,
    prefix: queuePrefix(),
    concurrency: config.WORKER_CONCURRENCY,
    ...notificationWorkerLocking,
    // Each job runs inside the like's trace: its log lines carry the liker's trace id.
    telemetry: jobTelemetry,
  },
);

worker.on("failed", (job, error) => {
  log.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, "notification job failed");
});
worker.on("error", (error) => log.warn({ err: error }, "worker error"));
// Prometheus's GET /metrics (METRICS_PORT): the jobs' outcomes, the queue and the outbox.
const metrics = serveWorkerMetrics(worker);

// The relay: events older than the grace period and still unprocessed were never enqueued
// (Redis down, process killed after commit). Re-adding is harmless: the job id is the event id.
// One whose job completed was delivered, and only its mark was lost (Postgres died before
// flushing it: markProcessed, server/delivery.ts); re-adding would do nothing while the completed
// job is kept, so it is marked instead.
let relayRunning = false;
async function relayOnce() {
  if (relayRunning) return;
  relayRunning = true;
  try {
    const events = await pendingEvents(config.OUTBOX_RELAY_GRACE_MS);
    let marked = 0;
    for (const event of events) {
      if ((await notificationsQueue().getJobState(event.id)) === "completed") {
        await markProcessed(event.id);
        marked++;
      } else {
        await continueStoredTrace(event, () => enqueueNotification(event.id));
      }
    }
    if (marked) log.info({ count: marked }, "outbox relay marked delivered events processed");
    if (events.length > marked) log.info({ count: events.length - marked }, "outbox relay enqueued events");
  } catch (error) {
    log.debug({ err: error }, "outbox relay pass failed; will retry");
  } finally {
    relayRunning = false;
  }
}
const relayTimer = setInterval(() => void relayOnce(), config.OUTBOX_RELAY_INTERVAL_MS);
// Hourly housekeeping: processed events are kept a day for inspection, and a signed-out session's
// row only until every copy of its cookie has expired.
function prune(what: string, deleteRows: () => Promise<number>) {
  deleteRows().then(
    (count) => count && log.info({ count }, `pruned ${what}`),
    (error) => log.debug({ err: error }, `pruning ${what} failed; will retry`),
  );
}
const pruneTimer = setInterval(() => {
  prune("processed outbox events", pruneProcessed);
  prune("expired revoked sessions", pruneRevokedSessions);
}, 3600_000);

// The uploads sweeper: files of a crash between the file and the row, or whose removal after a
// deletion failed, and temporary files of a write cut short; each only once past the grace period.
let sweepRunning = false;
async function sweepOnce() {
  if (sweepRunning) return;
  sweepRunning = true;
  try {
    const swept = await sweepUploads({ graceMs: config.UPLOADS_SWEEP_GRACE_MS });
    log.debug({ ...swept }, "uploads sweep done");
  } catch (error) {
    log.warn({ err: error }, "uploads sweep failed; will retry");
  } finally {
    sweepRunning = false;
  }
}
const sweepTimer = setInterval(() => void sweepOnce(), config.UPLOADS_SWEEP_INTERVAL_MS);

await worker.waitUntilReady();
// The heartbeat /api/health and the container healthcheck look for: this process's event loop runs.
// The file (containers' healthcheck) is written only after Redis took the beat, so both say the same.
const instance = config.INSTANCE_ID;
const heartbeatFile = config.HEARTBEAT_FILE;
const heartbeat = async () => {
  try {
    await beat(redis(), instance);
  } catch (error) {
    log.debug({ err: error }, "heartbeat not written; redis unavailable");
    return;
  }
  if (heartbeatFile) {
    await writeHeartbeatFile(heartbeatFile, instance).catch((error: unknown) =>
      log.warn({ err: error, path: heartbeatFile }, "heartbeat file not written"),
    );
  }
};
await whenReady(redis(), 5000).then(heartbeat, () => undefined);
const heartbeatTimer = setInterval(() => void heartbeat(), HEARTBEAT_INTERVAL_MS);
log.info({ queue: NOTIFICATIONS_QUEUE, concurrency: config.WORKER_CONCURRENCY }, "worker ready");
// A supervisor that started us with an IPC channel (npm run stack, the tests) waits for this.
process.send?.({ type: "ready" });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker stopping: finishing jobs in hand");
  clearInterval(relayTimer);
  clearInterval(pruneTimer);
  clearInterval(sweepTimer);
  clearInterval(heartbeatTimer);
  const force = setTimeout(() => {
    log.error("worker did not stop within 20 s; exiting");
    process.exit(1);
  }, 20_000);
  force.unref();
  await worker.close(); // waits for running jobs
  await forget(redis(), instance).catch(() => undefined);
  await notificationsQueue().close();
  await db().$disconnect();
  await metrics.close();
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
