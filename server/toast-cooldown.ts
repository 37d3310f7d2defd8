// One toast per (owner, liker, photo) per cooldown: someone toggling a like on and off must not
// flood the owner with toasts. The notification itself still comes and goes with the like; only
// the interruption is rate-limited. SET NX PX in Redis: shared by every worker, expires on its own.
import { env } from "./env";
import { log } from "./log";
import { redis, redisKey, whenReady } from "./redis";

/** True when this notification may toast: the first for this pair within the cooldown. */
export async function claimToast(recipientId: string, actorId: string, postId: string): Promise<boolean> {
  try {
    await whenReady(redis(), 1000); // the connection is opened on first use
    const set = await redis().set(
      redisKey("toast", recipientId, actorId, postId),
      "1",
      "PX",
      env().NOTIFICATION_TOAST_COOLDOWN_MS,
      "NX",
    );
    return set === "OK";
  } catch (error) {
    // Redis is away (then the push itself waits for it): toast rather than stay silent.
    log.debug({ err: error }, "toast cooldown unavailable");
    return true;
  }
}
