// Pushes to browsers, through Redis. No process that pushes holds the sockets: the worker and every
// app instance publish to a room with @socket.io/redis-emitter, and the Socket.IO server of
// whichever app instance holds a socket in that room (server/realtime.ts, through its Redis
// adapter) delivers it. Both sides must agree on the channel prefix and the room names: here.
import { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import type { NewPostEvent, Notification, NotificationDelivery, PostDeletedEvent } from "../shared/api";
import { REALTIME_EVENTS } from "../shared/realtime-events";
import { env } from "./env";
import { log } from "./log";
import { createRedis, whenReady } from "./redis";
import type { ToastCooldown } from "./toast-cooldown";

/** Every socket of one user, in every tab and browser: their notifications go here. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Every socket of one signed-in session (one browser): sign-out disconnects them. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Sockets showing one post (its page, its list of likers): they hear its like count change. */
export const postRoom = (postId: string) => `post:${postId}`;

export const socketIoKey = () => `${env().REDIS_PREFIX}:socket.io`;

export function createEmitter(redis: Redis) {
  return new Emitter(redis, { key: socketIoKey() });
}

/**
 * An emitter for pushes that may be lost (a live count, the journey panel's figures): the emitter
 * never looks at a publish's result, so a refused publish (Redis away) is caught and logged here
 * instead of becoming an unhandled rejection, which would end the process.
 */
export function bestEffortEmitter(redis: Redis, what: string): Emitter {
  const publishOnly = {
    publish: (channel: string, message: string | Buffer) =>
      redis.publish(channel, message).catch((error: unknown) => log.debug({ err: error }, `${what} not published`)),
  } as unknown as Redis;
  return createEmitter(publishOnly);
}

// SET NX and PUBLISH in one Lua script: Redis runs it atomically, so the message is published if
// and only if the key was not there. A worker killed before the script leaves no key (a retry
// publishes); one killed after leaves the key (a retry does not).
export const PUBLISH_ONCE = `if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return redis.call('PUBLISH', ARGV[2], ARGV[3]) end return -1`;

// The same for a new notification, which also claims the toast cooldown (KEYS[2], for ARGV[2] ms;
// 0: no cooldown) and publishes the message that toasts (ARGV[4]) if it got it, else the quiet one
// (ARGV[5]). Answers -1 (an earlier attempt pushed), 1 (pushed with a toast) or 0 (pushed quietly).
export const PUBLISH_NOTIFICATION_ONCE = `if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return -1 end
if ARGV[2] == '0' or redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then redis.call('PUBLISH', ARGV[3], ARGV[4]) return 1 end
redis.call('PUBLISH', ARGV[3], ARGV[5]) return 0`;

/** How long a "pushed" key is kept: a replay within a day is recognised. */
const PUSHED_KEY_MS = String(24 * 3600_000);

/**
 * The channel and message the emitter would publish for `event` to `room`, encoded as Socket.IO's
 * Redis adapter expects it; captured instead, so a script can publish it.
 */
function encodeEmit(room: string, event: string, args: unknown[]): [channel: string, message: string | Buffer] {
  let captured: [channel: string, message: string | Buffer] | undefined;
  const capture = {
    publish: (channel: string, message: string | Buffer) => ((captured = [channel, message]), Promise.resolve(0)),
  } as unknown as Redis;
  createEmitter(capture)
    .to(room)
    .emit(event, ...args);
  if (!captured) throw new Error("the emitter published nothing");
  return captured;
}

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
  const [channel, message] = encodeEmit(room, event, args);
  return (await redis.eval(PUBLISH_ONCE, 1, onceKey, PUSHED_KEY_MS, channel, message)) !== -1;
}

/**
 * emitOnce for a new notification, with its toast decided in the same script: the toast cooldown
 * (server/toast-cooldown.ts) is claimed only by the push that is published, and both cost one
 * round trip. The message is encoded both ways, with `toast: true` and `toast: false`.
 */
export async function emitNotificationOnce(
  redis: Redis,
  onceKey: string,
  cooldown: ToastCooldown,
  room: string,
  notification: Notification,
  delivery: Omit<NotificationDelivery, "toast">,
): Promise<{ published: boolean; toast: boolean }> {
  const [channel, toasting] = encodeEmit(room, REALTIME_EVENTS.notification, [
    notification,
    { ...delivery, toast: true },
  ]);
  const [, quiet] = encodeEmit(room, REALTIME_EVENTS.notification, [notification, { ...delivery, toast: false }]);
  const answer = await redis.eval(
    PUBLISH_NOTIFICATION_ONCE,
    2,
    onceKey,
    cooldown.key,
    PUSHED_KEY_MS,
    String(cooldown.ms),
    channel,
    toasting,
    quiet,
  );
  return { published: answer !== -1, toast: answer === 1 };
}

// The app's own pushes (not the worker's): best effort. A count shown live is a convenience, and
// the page re-reads it from the API whenever it opens.
const globalForPublish = globalThis as unknown as { __likesPublisher?: { emitter: Emitter; redis: Redis } };

/**
 * The app's emitter, once its connection is up. The first push after a start waits for the
 * connection (up to a second) instead of being dropped; while Redis is away (reconnecting) pushes
 * are dropped at once instead of piling up in memory.
 */
async function publisher(): Promise<Emitter> {
  if (!globalForPublish.__likesPublisher) {
    const redis = createRedis("publisher", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    globalForPublish.__likesPublisher = { emitter: bestEffortEmitter(redis, "realtime push"), redis };
  }
  const { emitter, redis } = globalForPublish.__likesPublisher;
  await whenReady(redis, 1000);
  return emitter;
}

/** To everyone watching a post (its page, its list of likers): its new like count. */
export function publishPostLikes(postId: string, likeCount: number): void {
  publisher()
    .then((emitter) => emitter.to(postRoom(postId)).emit(REALTIME_EVENTS.postLikes, { postId, likeCount }))
    .catch((error: unknown) => log.debug({ err: error, postId }, "post:likes not published"));
}

/** To every socket on every instance: feeds show a "new posts" pill (a reload shows the post anyway). */
export function publishNewPost(event: NewPostEvent): void {
  publisher()
    .then((emitter) => emitter.emit(REALTIME_EVENTS.newPost, event))
    .catch((error: unknown) => log.warn({ err: error, postId: event.postId }, "post:new not published"));
}

/** To every socket on every instance: cards showing this photo go (a reload would not show it anyway). */
export function publishPostDeleted(event: PostDeletedEvent): void {
  publisher()
    .then((emitter) => emitter.emit(REALTIME_EVENTS.postDeleted, event))
    .catch((error: unknown) => log.warn({ err: error, postId: event.postId }, "post:deleted not published"));
}
