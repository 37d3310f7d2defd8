// Pushes from the app process itself (not the worker) to Socket.IO rooms, through Redis, so that
// sockets on every app instance hear them. Best effort: a count shown live is a convenience, and
// the page re-reads it from the API whenever it opens.
import type { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { log } from "./log";
import { createRedis } from "./redis";
import { createEmitter, POST_LIKES_EVENT, postRoom } from "./realtime-rooms";

const globalForPublish = globalThis as unknown as { __likesPublisher?: Emitter };

function publisher(): Emitter {
  if (!globalForPublish.__likesPublisher) {
    // No offline queue: while Redis is away, pushes are dropped instead of piling up in memory.
    const redis = createRedis("publisher", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // The emitter publishes and never looks at the result; a refused publish must not become an
    // unhandled rejection (which would end the process).
    const publishOnly = {
      publish: (channel: string, message: string | Buffer) =>
        redis.publish(channel, message).catch((error: unknown) => log.debug({ err: error }, "realtime publish dropped")),
    } as unknown as Redis;
    globalForPublish.__likesPublisher = createEmitter(publishOnly);
  }
  return globalForPublish.__likesPublisher;
}

export function publishPostLikes(postId: string, likeCount: number): void {
  try {
    publisher().to(postRoom(postId)).emit(POST_LIKES_EVENT, { postId, likeCount });
  } catch (error) {
    log.debug({ err: error, postId }, "post:likes not published");
  }
}
