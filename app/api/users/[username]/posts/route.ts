// GET /api/users/:username/posts?limit=&cursor=  One person's photos, newest first (their profile's
// grid): {"items":[Post],"nextCursor"}. 404 for a username that names nobody.
import { authed, json, methods } from "@/server/api";
import { parseLimit } from "@/server/cursor";
import { listUserPosts } from "@/server/users";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed<{ username: string }>(async (req, { params, user }) => {
    const search = req.nextUrl.searchParams;
    const limit = parseLimit(search.get("limit"), 30, 60);
    return json(await listUserPosts(user.id, params.username, { limit, cursor: search.get("cursor") }));
  }),
});
