// Names shared by the Socket.IO server (server/realtime.ts) and the worker's emitter: both must
// agree on the Redis channel prefix and on what a user's room is called.
import { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { env } from "./env";

export const userRoom = (userId: string) => `user:${userId}`;
/** Every socket of one signed-in session (one browser): sign-out disconnects them. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export const socketIoKey = () => `${env().REDIS_PREFIX}:socket.io`;

/** The event a browser receives for a new notification: the inbox item itself. */
export const NOTIFICATION_EVENT = "notification";

export function createEmitter(redis: Redis) {
  return new Emitter(redis, { key: socketIoKey() });
}
