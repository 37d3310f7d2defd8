// The notifications worker (`npm run worker`): its own process, hop 6 of a like.
// Consumes the queue: outbox event -> the owner's inbox brought in line with the like (a new
// Notification row, or one deleted after an unlike) -> a push to the owner's Socket.IO room.
// Also runs the outbox relay, which enqueues events that never reached the queue.
import { Worker, type ConnectionOptions } from "bullmq";
import { loadEnvOrExit } from "../server/env";

const config = loadEnvOrExit();
process.env.SERVICE_NAME ??= "worker";
const { log } = await import("../server/log");
const { createRedis, redis, redisKey, whenReady } = await import("../server/redis");
const {
  NOTIFICATIONS_QUEUE,
  notificationJobSchema,
  notificationsQueue,
  notificationWorkerLocking,
  queuePrefix,
  enqueueNotification,
} = await import("../server/queue");
const { prepareDelivery, markProcessed, pendingEvents, pruneProcessed } = await import("../server/notifications");
const { createEmitter, emitOnce, userRoom, NOTIFICATION_EVENT, RETRACTION_EVENT } =
  await import("../server/realtime-rooms");
const { claimToast } = await import("../server/toast-cooldown");
const { pruneRevokedSessions } = await import("../server/session-revocation");
const { db } = await import("../server/db");
const { continueTrace, currentTrace, runInTrace } = await import("../server/trace");
const { hopsUpToWorker, deliveredJourney, expectDeliveryReport } = await import("../server/journey");
const { REALTIME_EVENTS } = await import("../shared/realtime-events");
const { beat, forget, writeHeartbeatFile, HEARTBEAT_INTERVAL_MS } = await import("../server/worker-heartbeat");

// Pushes wait for Redis (offline queue on): a push the job awaited has reached Redis.
const pushConnection = createRedis("emitter");
const emitter = createEmitter(pushConnection);

const worker = new Worker(
  NOTIFICATIONS_QUEUE,
  async (job) => {
    const { eventId, trace: measured } = notificationJobSchema.parse(job.data);
    // The like's trace goes on here: this job's log lines carry the liker's trace id.
    return runInTrace(continueTrace(measured?.traceparent), async () => {
      const started = performance.now();
      const outcome = await prepareDelivery(eventId);
      let hops;
      let published = true;
      if (outcome.kind === "push" || outcome.kind === "retract") {
        const { origin, recipientId } = outcome;
        const traceId = currentTrace()!.traceId;
        // Two independent Redis round trips, at once. A like that comes back within the cooldown
        // (a storm of toggles) updates the inbox quietly; and the owner's browser reports the last
        // two hops (only the owner may, within 5 minutes).
        const [toast] = await Promise.all([
          outcome.kind === "push" ? claimToast(recipientId, origin.actorId, origin.postId) : false,
          expectDeliveryReport(redis(), traceId, {
            recipientId,
            actorId: origin.actorId,
            postId: origin.postId,
            liked: origin.liked,
          }).catch((error: unknown) => log.debug({ err: error }, "journey report not expected: redis unavailable")),
        ]);
        hops = hopsUpToWorker({
          stored: origin.trace,
          measured,
          eventCreatedAt: origin.createdAt,
          jobAddedAt: job.timestamp,
          jobTakenAt: job.processedOn ?? Date.now(),
          workerMs: performance.now() - started,
        });
        const journey = deliveredJourney(traceId, hops);
        // Exactly once per event: a retry after a crash that already pushed does not push again.
        const onceKey = redisKey("pushed", eventId);
        published =
          outcome.kind === "push"
            ? await emitOnce(pushConnection, onceKey, userRoom(recipientId), NOTIFICATION_EVENT, outcome.notification, {
                toast,
                journey,
              })
            : await emitOnce(
                pushConnection,
                onceKey,
                userRoom(recipientId),
                RETRACTION_EVENT,
                { id: outcome.notificationId },
                { toast: false, journey },
              );
        if (!published) log.info({ eventId }, "already pushed by an earlier attempt; not pushing again");
        // The liker's own panel: the hops their request could not see.
        emitter
          .to(userRoom(origin.actorId))
          .emit(REALTIME_EVENTS.journeyHops, { traceId, postId: origin.postId, liked: origin.liked, hops });
      }
      await markProcessed(eventId);
      const result =
        outcome.kind === "skip"
          ? outcome.reason
          : !published
            ? "already_pushed"
            : outcome.kind === "push"
              ? "pushed"
              : "retracted";
      log.info({ eventId, jobId: job.id, attempt: job.attemptsMade + 1, result, hops }, "notification job done");
      return result;
    });
  },
  {
    // Blocking connection: BullMQ requires maxRetriesPerRequest null on workers.
    connection: createRedis("worker", { maxRetriesPerRequest: null }) as ConnectionOptions,
    prefix: queuePrefix(),
    concurrency: config.WORKER_CONCURRENCY,
    ...notificationWorkerLocking,
  },
);

worker.on("failed", (job, error) => {
  log.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, "notification job failed");
});
worker.on("error", (error) => log.warn({ err: error }, "worker error"));

// The relay: events older than the grace period and still unprocessed were never enqueued
// (Redis down, process killed after commit). Re-adding is harmless: the job id is the event id.
let relayRunning = false;
async function relayOnce() {
  if (relayRunning) return;
  relayRunning = true;
  try {
    const events = await pendingEvents(config.OUTBOX_RELAY_GRACE_MS);
    for (const event of events) {
      // The job continues the request's trace; its outbox hop will show the relay's delay.
      const trace = event.traceparent
        ? { traceparent: event.traceparent, committedAt: event.createdAt.getTime() }
        : undefined;
      await enqueueNotification(event.id, trace);
    }
    if (events.length) log.info({ count: events.length }, "outbox relay enqueued events");
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

await worker.waitUntilReady();
// The heartbeat /api/health and the container healthcheck look for: this process's event loop runs.
const instance = config.INSTANCE_ID;
// The file (containers' healthcheck) is written only after Redis took the beat, so both say the same.
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
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
