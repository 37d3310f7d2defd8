// GET /api/posts/:id
import { authed, json, methods, notFound } from "@/server/api";
import { getPost, isPlausibleId } from "@/server/posts";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed<{ id: string }>(async (_req, { params, user }) => {
    if (!isPlausibleId(params.id)) throw notFound("Post");
    return json(await getPost(user.id, params.id));
  }),
});
