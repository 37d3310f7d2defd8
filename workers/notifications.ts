// The notifications worker (`npm run worker`): its own process, hop 6 of a like.
// Consumes the queue: outbox event -> the owner's inbox brought in line with the like (a new
// Notification row, or one deleted after an unlike) -> a push to the owner's Socket.IO room.
// Also runs the outbox relay, which enqueues events that never reached the queue.
import { Worker, type ConnectionOptions } from "bullmq";
import { loadEnvOrExit } from "../server/env";

const config = loadEnvOrExit();
process.env.SERVICE_NAME ??= "worker";
const { log } = await import("../server/log");
const { createRedis } = await import("../server/redis");
const { NOTIFICATIONS_QUEUE, notificationJobSchema, notificationsQueue, queuePrefix, enqueueNotification } = await import("../server/queue");
const { prepareDelivery, markProcessed, pendingEvents, pruneProcessed } = await import("../server/notifications");
const { createEmitter, userRoom, NOTIFICATION_EVENT, RETRACTION_EVENT } = await import("../server/realtime-rooms");
const { claimToast } = await import("../server/toast-cooldown");
const { pruneRevokedSessions } = await import("../server/session-revocation");
const { db } = await import("../server/db");

const emitter = createEmitter(createRedis("emitter"));

const worker = new Worker(
  NOTIFICATIONS_QUEUE,
  async (job) => {
    const { eventId } = notificationJobSchema.parse(job.data);
    const outcome = await prepareDelivery(eventId);
    if (outcome.kind === "push") {
      // A like that comes back within the cooldown (a storm of toggles) updates the inbox quietly.
      const toast = await claimToast(outcome.recipientId, outcome.actorId, outcome.notification.post.id);
      emitter.to(userRoom(outcome.recipientId)).emit(NOTIFICATION_EVENT, outcome.notification, { toast });
    } else if (outcome.kind === "retract") {
      emitter.to(userRoom(outcome.recipientId)).emit(RETRACTION_EVENT, { id: outcome.notificationId });
    }
    await markProcessed(eventId);
    return outcome.kind === "push" ? "pushed" : outcome.kind === "retract" ? "retracted" : outcome.reason;
  },
  {
    // Blocking connection: BullMQ requires maxRetriesPerRequest null on workers.
    connection: createRedis("worker", { maxRetriesPerRequest: null }) as ConnectionOptions,
    prefix: queuePrefix(),
    concurrency: config.WORKER_CONCURRENCY,
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
    const ids = await pendingEvents(config.OUTBOX_RELAY_GRACE_MS);
    for (const id of ids) await enqueueNotification(id);
    if (ids.length) log.info({ count: ids.length }, "outbox relay enqueued events");
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
  const force = setTimeout(() => {
    log.error("worker did not stop within 20 s; exiting");
    process.exit(1);
  }, 20_000);
  force.unref();
  await worker.close(); // waits for running jobs
  await notificationsQueue().close();
  await db().$disconnect();
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
