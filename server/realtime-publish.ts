// Pushes from the app process itself (not the worker) to Socket.IO rooms, through Redis, so that
// sockets on every app instance hear them. Best effort: a count shown live is a convenience, and
// the page re-reads it from the API whenever it opens.
import type { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { log } from "./log";
import { createRedis, whenReady } from "./redis";
import { createEmitter, POST_LIKES_EVENT, postRoom } from "./realtime-rooms";
import type { NewPostEvent } from "../shared/api";
import { REALTIME_EVENTS } from "../shared/realtime-events";

const globalForPublish = globalThis as unknown as { __likesPublisher?: { emitter: Emitter; redis: Redis } };

/**
 * The emitter, once its connection is up. The first push after a start waits for the connection
 * (up to a second) instead of being dropped by the disabled offline queue; while Redis is away
 * (reconnecting) pushes are dropped at once.
 */
async function publisher(): Promise<Emitter> {
  if (!globalForPublish.__likesPublisher) {
    // No offline queue: while Redis is away, pushes are dropped instead of piling up in memory.
    const redis = createRedis("publisher", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // The emitter publishes and never looks at the result; a refused publish must not become an
    // unhandled rejection (which would end the process).
    const publishOnly = {
      publish: (channel: string, message: string | Buffer) =>
        redis
          .publish(channel, message)
          .catch((error: unknown) => log.debug({ err: error }, "realtime publish dropped")),
    } as unknown as Redis;
    globalForPublish.__likesPublisher = { emitter: createEmitter(publishOnly), redis };
  }
  const { emitter, redis } = globalForPublish.__likesPublisher;
  await whenReady(redis, 1000);
  return emitter;
}

export function publishPostLikes(postId: string, likeCount: number): void {
  publisher()
    .then((emitter) => emitter.to(postRoom(postId)).emit(POST_LIKES_EVENT, { postId, likeCount }))
    .catch((error: unknown) => log.debug({ err: error, postId }, "post:likes not published"));
}

/** To every socket on every instance: feeds show a "new posts" pill (a reload shows the post anyway). */
export function publishNewPost(event: NewPostEvent): void {
  publisher()
    .then((emitter) => emitter.emit(REALTIME_EVENTS.newPost, event))
    .catch((error: unknown) => log.warn({ err: error, postId: event.postId }, "post:new not published"));
}
