// GET /api/notifications?cursor=&limit=  The signed-in user's inbox, newest first, with the unread count.
// Also the catch-up source: a client that reconnects re-reads this to fill any gap.
import { authed, json, methods } from "@/server/api";
import { parseLimit } from "@/server/cursor";
import { listInbox } from "@/server/inbox";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: authed(async (req, { user }) => {
    const params = req.nextUrl.searchParams;
    const limit = parseLimit(params.get("limit"), 20, 100);
    return json(await listInbox(user.id, { limit, cursor: params.get("cursor") }));
  }),
});
