// The feed (/): newest photos first. The first page renders on the server; the rest loads on scroll.
import type { Metadata } from "next";
import { listPosts } from "@/server/posts";
import { requireUser } from "@/server/session";
import { Feed } from "./components/feed/Feed";

// Absolute: the root layout's title template applies to segments below it, not to its own page.
export const metadata: Metadata = { title: { absolute: "Feed · Likes" } };

export default async function FeedPage() {
  const user = await requireUser("/");
  const firstPage = await listPosts(user.id, { limit: 10, cursor: null });
  return (
    <main className="page page--feed">
      <h1 className="visually-hidden">Feed</h1>
      <Feed initialPage={firstPage} viewerId={user.id} />
    </main>
  );
}
