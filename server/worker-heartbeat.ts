// Is a notifications worker alive? Each worker writes a heartbeat to Redis every few seconds: its
// instance id in a sorted set, scored with the time. A worker whose last beat is older than
// HEARTBEAT_STALE_MS is dead or stuck (a blocked event loop beats no more, though its Redis
// connections stay open). /api/health counts the live ones.
// A worker's container healthcheck looks for its own beat without asking Redis: after each beat
// Redis took, the worker also writes it to HEARTBEAT_FILE, and scripts/healthcheck.mjs reads that
// file (a plain `node` start, no TypeScript to load; docs/decisions/020-container-healthchecks.md).
import { rename, writeFile } from "node:fs/promises";
import type { Redis } from "ioredis";
import { redisKey } from "./redis";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Three missed beats. */
export const HEARTBEAT_STALE_MS = 15_000;

const heartbeatsKey = () => redisKey("workers", "heartbeats");

export async function beat(redis: Redis, instance: string, now = Date.now()): Promise<void> {
  await redis
    .multi()
    .zadd(heartbeatsKey(), now, instance)
    // Long-gone instances (restarted containers get new ids) are forgotten after a while.
    .zremrangebyscore(heartbeatsKey(), "-inf", now - 20 * HEARTBEAT_STALE_MS)
    .exec();
}

/** What HEARTBEAT_FILE holds; scripts/healthcheck.mjs reads these three fields. */
export type HeartbeatFile = { instance: string; beatAt: number; staleAfterMs: number };

/** Written whole (a temporary file renamed over it), so a reader never sees half of it. */
export async function writeHeartbeatFile(path: string, instance: string, now = Date.now()): Promise<void> {
  const content: HeartbeatFile = { instance, beatAt: now, staleAfterMs: HEARTBEAT_STALE_MS };
  await writeFile(`${path}.tmp`, JSON.stringify(content));
  await rename(`${path}.tmp`, path);
}

/** A worker stopping on purpose says so, rather than leaving a beat to go stale. */
export async function forget(redis: Redis, instance: string): Promise<void> {
  await redis.zrem(heartbeatsKey(), instance);
}

export type WorkerBeat = { instance: string; lastBeatMsAgo: number };

/** Workers seen within HEARTBEAT_STALE_MS, and the latest of the others. */
export async function workerBeats(
  redis: Redis,
  now = Date.now(),
): Promise<{ live: WorkerBeat[]; stale: WorkerBeat[] }> {
  const flat = await redis.zrange(heartbeatsKey(), "0", "-1", "WITHSCORES");
  const live: WorkerBeat[] = [];
  const stale: WorkerBeat[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const beat = { instance: flat[i]!, lastBeatMsAgo: Math.max(0, now - Number(flat[i + 1])) };
    (beat.lastBeatMsAgo <= HEARTBEAT_STALE_MS ? live : stale).push(beat);
  }
  return { live, stale };
}
