// POST /api/notifications/read  {"ids":[...]} or {"all":true}  -> {"unreadCount","unseenCount"}
import { z } from "zod";
import { authed, invalidRequest, json, methods, readJson } from "@/server/api";
import { markRead } from "@/server/inbox";

const bodySchema = z.union([
  z.object({ ids: z.array(z.string().min(1).max(40)).min(1).max(500) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: authed(async (req, { user }) => {
    const parsed = bodySchema.safeParse(await readJson(req));
    if (!parsed.success) throw invalidRequest('Send {"ids":["…"]} (1 to 500 ids) or {"all":true}.');
    return json(await markRead(user.id, parsed.data));
  }),
});
