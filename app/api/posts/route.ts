// GET /api/posts?limit=&cursor=  The feed, newest first.
import { authed, json, methods } from "@/server/api";
import { parseLimit } from "@/server/cursor";
import { listPosts } from "@/server/posts";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed(async (req, { user }) => {
    const params = req.nextUrl.searchParams;
    const limit = parseLimit(params.get("limit"), 10, 50);
    return json(await listPosts(user.id, { limit, cursor: params.get("cursor") }));
  }),
});
