// The one definition of the notifications queue, shared by the app (producer) and the worker
// (consumer): its name, its job payload, and the options every job gets. Enqueueing is the
// outbox hop of a like; waiting here for a worker is its queue hop (shared/journey.ts).
import { Queue, type ConnectionOptions } from "bullmq";
import { z } from "zod";
import { env } from "./env";
import { createRedis } from "./redis";
import { jobTelemetry } from "./telemetry/jobs";

export const NOTIFICATIONS_QUEUE = "notifications";

/**
 * A job carries only the outbox event id: the worker reads the facts from Postgres. (The like's
 * trace travels beside it, in the job's telemetry metadata: `jobTelemetry`, server/telemetry/jobs.ts.)
 */
export const notificationJobSchema = z.object({ eventId: z.string().min(1) });
export type NotificationJob = z.infer<typeof notificationJobSchema>;

export function queuePrefix(): string {
  return `${env().REDIS_PREFIX}:bull`;
}

export const notificationJobOptions = {
  attempts: 10,
  // 0.5 s, 1 s, 2 s … about 4 minutes in all before a job is parked as failed.
  backoff: { type: "exponential", delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  // Failed jobs stay for inspection (and keep their id, so the relay cannot re-add them).
  removeOnFail: false,
} as const;

/**
 * How the worker holds its jobs. A worker that dies mid-job (SIGKILL, a lost machine) leaves its
 * jobs active under a lock it no longer renews; once the lock expires, any worker's stalled-job
 * check puts them back in the queue. BullMQ's defaults (30 s lock, 30 s check) would leave a
 * crashed worker's notifications waiting up to a minute; these jobs take milliseconds, so 10 s and
 * 5 s get them back within about 15 s while a busy worker still renews its locks (every 5 s) with
 * plenty of margin. A job may stall a few times (repeated crashes) before it is parked as failed.
 * After losing Redis, the worker's loop waits runRetryDelay before trying again: BullMQ's 15 s
 * default would delay every notification that long after a Redis outage; 1 s keeps the retries
 * cheap and the delay short.
 */
export const notificationWorkerLocking = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 5,
  runRetryDelay: 1_000,
} as const;

const globalForQueue = globalThis as unknown as { __likesQueue?: Queue<NotificationJob> };

export function notificationsQueue(): Queue<NotificationJob> {
  // enableOfflineQueue:false makes add() fail at once while Redis is down, as BullMQ's production
  // guide advises for producers; the outbox relay enqueues the event later.
  globalForQueue.__likesQueue ??= new Queue<NotificationJob>(NOTIFICATIONS_QUEUE, {
    connection: createRedis("queue", { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) as ConnectionOptions,
    prefix: queuePrefix(),
    telemetry: jobTelemetry,
  });
  return globalForQueue.__likesQueue;
}

/** Idempotent: the job id is the outbox event id, so enqueueing twice yields one job. */
export async function enqueueNotification(eventId: string, queue = notificationsQueue()): Promise<void> {
  await queue.add("notify", { eventId }, { ...notificationJobOptions, jobId: eventId });
}
