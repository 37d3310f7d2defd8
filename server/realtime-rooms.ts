// Names shared by the Socket.IO server (server/realtime.ts) and the worker's emitter: both must
// agree on the Redis channel prefix and on what a user's room is called.
import { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { REALTIME_EVENTS } from "../types/realtime-events";
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
