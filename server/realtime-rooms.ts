// Names shared by the Socket.IO server (server/realtime.ts) and the worker's emitter: both must
// agree on the Redis channel prefix and on what a user's room is called.
import { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { REALTIME_EVENTS } from "../shared/realtime-events";
import { env } from "./env";

export const userRoom = (userId: string) => `user:${userId}`;
/** Every socket of one signed-in session (one browser): sign-out disconnects them. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Sockets showing one post (its page, its list of likers): they hear its like count change. */
export const postRoom = (postId: string) => `post:${postId}`;

export const socketIoKey = () => `${env().REDIS_PREFIX}:socket.io`;

export const NOTIFICATION_EVENT = REALTIME_EVENTS.notification;
export const RETRACTION_EVENT = REALTIME_EVENTS.retraction;
export const POST_LIKES_EVENT = REALTIME_EVENTS.postLikes;
export const WATCH_POST = REALTIME_EVENTS.watchPost;
export const UNWATCH_POST = REALTIME_EVENTS.unwatchPost;

export function createEmitter(redis: Redis) {
  return new Emitter(redis, { key: socketIoKey() });
}

// SET NX and PUBLISH in one Lua script: Redis runs it atomically, so the message is published if
// and only if the key was not there. A worker killed before the script leaves no key (a retry
// publishes); one killed after leaves the key (a retry does not).
const PUBLISH_ONCE = `if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return redis.call('PUBLISH', ARGV[2], ARGV[3]) end return -1`;

/**
 * Emits `event` to `room` at most once per `onceKey` (for a day), and answers whether this call
 * was the one that published. Combined with the worker's retries (at least once), each
 * notification reaches the owner's sockets exactly once, even when a worker dies between pushing
 * and recording that it pushed (docs/decisions/016-exactly-once-push.md).
 */
export async function emitOnce(
  redis: Redis,
  onceKey: string,
  room: string,
  event: string,
  ...args: unknown[]
): Promise<boolean> {
  // The emitter encodes the message as Socket.IO's Redis adapter expects it, and publishes it on
  // the room's channel; capture both instead, and publish them through the script.
  let captured: [channel: string, message: string | Buffer] | undefined;
  const capture = {
    publish: (channel: string, message: string | Buffer) => ((captured = [channel, message]), Promise.resolve(0)),
  } as unknown as Redis;
  createEmitter(capture)
    .to(room)
    .emit(event, ...args);
  if (!captured) throw new Error("the emitter published nothing");
  const [channel, message] = captured;
  return (await redis.eval(PUBLISH_ONCE, 1, onceKey, String(24 * 3600_000), channel, message)) !== -1;
}
