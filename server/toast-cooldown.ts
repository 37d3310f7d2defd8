// One toast per (owner, liker, photo) per cooldown: someone toggling a like on and off must not
// flood the owner with toasts. The notification itself still comes and goes with the like; only
// the interruption is rate-limited. A key in Redis, set if absent with an expiry: shared by every
// worker, gone on its own. The worker claims it in the same script that pushes the notification
// (emitNotificationOnce, server/push.ts), so the claim costs no round trip of its own and is taken
// only by the push that is published.
import { env } from "./env";
import { redisKey } from "./redis";

export type ToastCooldown = { key: string; ms: number };

/** The cooldown of one (owner, liker, photo): the first push to claim its key toasts. */
export function toastCooldown(recipientId: string, actorId: string, postId: string): ToastCooldown {
  return { key: redisKey("toast", recipientId, actorId, postId), ms: env().NOTIFICATION_TOAST_COOLDOWN_MS };
}
