// POST /api/notifications/seen  -> {"unreadCount","unseenCount":0}
// The inbox was opened: the bell's badge clears. Each notification stays unread (shown as new)
// until it is opened itself, or "mark all as read".
import { authed, json, methods } from "@/server/api";
import { markSeen } from "@/server/inbox";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  POST: authed(async (_req, { user }) => json(await markSeen(user.id))),
});
