// GET    /api/posts/:id   one post
// DELETE /api/posts/:id   delete your own post -> 200 {"postId","deleted":true}. Its likes and
//                         their notifications go too (retracted live in the owner's tabs), and its
//                         photo's file unless another post shows it (server/post-deletion.ts).
//                         Someone else's post: 403 forbidden, nothing changed. No such post (or
//                         deleted already): 404 not_found.
import { authed, json, methods, notFound } from "@/server/api";
import { deletePost } from "@/server/post-deletion";
import { getPost, isPlausibleId } from "@/server/posts";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed<{ id: string }>(async (_req, { params, user }) => {
    if (!isPlausibleId(params.id)) throw notFound("Post");
    return json(await getPost(user.id, params.id));
  }),
  DELETE: authed<{ id: string }>(async (_req, { params, user }) => {
    if (!isPlausibleId(params.id)) throw notFound("Post");
    return json(await deletePost(user.id, params.id));
  }),
});
