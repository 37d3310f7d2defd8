// /notifications: the inbox. Its first page renders on the server; live items arrive through the
// RealtimeProvider in the root layout.
import type { Metadata } from "next";
import { listInbox } from "@/server/inbox";
import { requireUser } from "@/server/session";
import { Inbox } from "../components/inbox/Inbox";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireUser("/notifications");
  const firstPage = await listInbox(user.id, { limit: 20, cursor: null });
  return (
    <main className="page page--inbox">
      <Inbox initialPage={firstPage} />
    </main>
  );
}
