// PUT /api/posts/:id/like     like (idempotent)    -> {"postId","liked":true,"likeCount"}
// DELETE /api/posts/:id/like  unlike (idempotent)  -> {"postId","liked":false,"likeCount"}
// The route hop of a like (hop 3, shared/journey.ts): the authenticated route handler. The acting
// user is the session's user; nothing in the body or query can change who likes. The statement it
// runs is the postgres hop (hop 5): server/likes.ts.
import { authed, json, methods, notFound, rateLimited } from "@/server/api";
import { env } from "@/server/env";
import { setLike } from "@/server/likes";
import { isPlausibleId } from "@/server/posts";
import { hitOrAllow } from "@/server/rate-limit";

function toggle(liked: boolean) {
  return authed<{ id: string }>(async (_req, { params, user }) => {
    if (!isPlausibleId(params.id)) throw notFound("Post");
    const limit = await hitOrAllow(`like:${user.id}`, env().LIKE_RATE_LIMIT_PER_MINUTE, 60_000);
    if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
    return json(await setLike(user.id, params.id, liked));
  });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ PUT: toggle(true), DELETE: toggle(false) });
