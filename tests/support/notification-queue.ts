// The stack's notification queue opened from a test, for the cases that play a crash by hand: an
// outbox event run again after its transaction (or its push) already happened, a job removed or
// duplicated. The same queue name and prefix the app and worker use (server/queue.ts).
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { NOTIFICATIONS_QUEUE } from "../../server/queue";
import { eventually, type TestStack } from "./harness";

export type NotificationQueue = {
  queue: Queue;
  /** Its Redis connection, for reading or deleting the worker's own keys. */
  redis: Redis;
  /**
   * Runs one outbox event again, as a retry after a crash between its transaction and its push
   * would (outcome recorded, processedAt not), and waits for the job's result.
   */
  replayAfterCrash(eventId: string): Promise<string>;
  close(): Promise<void>;
};

export function openNotificationQueue(stack: TestStack): NotificationQueue {
  const redis = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: redis, prefix: `${stack.env.REDIS_PREFIX}:bull` });
  let replays = 0;
  return {
    queue,
    redis,
    async replayAfterCrash(eventId) {
      await stack.db.outboxEvent.update({ where: { id: eventId }, data: { processedAt: null } });
      // A job id of its own each time: a second replay of the same event is another job.
      const job = await queue.add("notify", { eventId }, { jobId: `${eventId}-replay-${++replays}` });
      // returnvalue is null until the job completes.
      return eventually(
        "the replay",
        async () => ((await queue.getJob(job.id!))?.returnvalue as string | null) ?? undefined,
      );
    },
    async close() {
      await queue.close();
      redis.disconnect(); // BullMQ leaves a connection it was handed open
    },
  };
}
