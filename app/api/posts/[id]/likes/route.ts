// GET /api/posts/:id/likes?limit=&cursor=  Who likes the post, newest first:
// {"items":[{"user","likedAt"}],"nextCursor"}. 404 for a malformed or unknown id.
import { authed, json, methods, notFound } from "@/server/api";
import { parseLimit } from "@/server/cursor";
import { isPlausibleId, listLikers } from "@/server/posts";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed<{ id: string }>(async (req, { params }) => {
    if (!isPlausibleId(params.id)) throw notFound("Post");
    const search = req.nextUrl.searchParams;
    const limit = parseLimit(search.get("limit"), 20, 100);
    return json(await listLikers(params.id, { limit, cursor: search.get("cursor") }));
  }),
});
