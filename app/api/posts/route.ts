// GET  /api/posts?limit=&cursor=   The feed, newest first.
// POST /api/posts                  Post a photo: multipart/form-data with `photo` (a JPEG, PNG or
//                                  WebP file, up to 10 MB) and `caption` (optional, up to 2,200
//                                  characters) -> 201 with the new post. The author is the session's
//                                  user. Errors: 413 too large, 415 not a supported image, 422
//                                  unreadable image, 400 bad form or caption, 429 too many posts.
import { ApiError, authed, invalidRequest, json, methods, rateLimited, readForm } from "@/server/api";
import { parseLimit } from "@/server/cursor";
import { env } from "@/server/env";
import { MAX_PHOTO_BYTES, MAX_PHOTO_LABEL } from "@/shared/photo-limits";
import { createPost } from "@/server/posting";
import { listPosts } from "@/server/posts";
import { hitOrAllow } from "@/server/rate-limit";

/** Room for the caption and the multipart framing around a photo of the largest size. */
const MAX_FORM_BYTES = MAX_PHOTO_BYTES + 64 * 1024;
const TOO_LARGE = `Photos can be up to ${MAX_PHOTO_LABEL}.`;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed(async (req, { user }) => {
    const params = req.nextUrl.searchParams;
    const limit = parseLimit(params.get("limit"), 10, 50);
    return json(await listPosts(user.id, { limit, cursor: params.get("cursor") }));
  }),

  POST: authed(async (req, { user }) => {
    const limit = await hitOrAllow(`post:${user.id}`, env().POST_RATE_LIMIT_PER_HOUR, 3600_000);
    if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
    const form = await readForm(req, MAX_FORM_BYTES, TOO_LARGE);
    const photo = form.get("photo");
    if (!(photo instanceof File)) throw invalidRequest("Choose a photo to post (the form's `photo` field).");
    if (photo.size > MAX_PHOTO_BYTES) throw new ApiError(413, "payload_too_large", TOO_LARGE);
    const caption = form.get("caption") ?? "";
    if (typeof caption !== "string") throw invalidRequest("The caption must be text.");
    const post = await createPost(user.id, { photo: Buffer.from(await photo.arrayBuffer()), caption });
    return json(post, 201);
  }),
});
