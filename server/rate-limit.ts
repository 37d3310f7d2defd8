// Fixed-window counters in Redis: simple, shared by every app instance, and enough for a like
// button and a sign-in form. One round trip per check (a Lua script keeps INCR and EXPIRE atomic).
import type { Redis } from "ioredis";
import { redis, redisKey, whenReady } from "./redis";
import { log } from "./log";

export const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }
`;

export type RateDecision = { allowed: boolean; count: number; retryAfterSeconds: number };

export async function hit(
  key: string,
  limit: number,
  windowMs: number,
  client: Redis = redis(),
): Promise<RateDecision> {
  await whenReady(client, 1000); // only waits on the first call after start
  const [count, ttl] = (await client.eval(INCREMENT, 1, redisKey("rl", key), windowMs)) as [number, number];
  return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
}

export async function peek(
  key: string,
  client: Redis = redis(),
): Promise<{ count: number; retryAfterSeconds: number }> {
  const k = redisKey("rl", key);
  await whenReady(client, 1000);
  const [count, ttl] = await Promise.all([client.get(k), client.pttl(k)]);
  return { count: Number(count ?? 0), retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
}

export async function reset(key: string, client: Redis = redis()): Promise<void> {
  await client.del(redisKey("rl", key));
}

/**
 * Rate limiting protects the service; it must not take it down. When Redis is unreachable the
 * request is allowed and the outage logged (health reports Redis as failing meanwhile).
 */
export async function hitOrAllow(key: string, limit: number, windowMs: number): Promise<RateDecision> {
  try {
    return await hit(key, limit, windowMs);
  } catch (error) {
    log.warn({ err: error, key }, "rate limiter unavailable; allowing request");
    return { allowed: true, count: 0, retryAfterSeconds: 0 };
  }
}
