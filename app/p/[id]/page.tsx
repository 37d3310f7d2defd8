// /p/:id: one photo, large, rendered on the server. Its count follows everyone's likes live (the
// card watches the post on this page). A malformed or unknown id is the 404 page.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { PostCard } from "@/app/components/feed/PostCard";
import { NOT_FOUND_TITLE, postTitle } from "@/app/lib/page-titles";
import { postPath } from "@/shared/routes";
import { findPost, isPlausibleId } from "@/server/posts";
import { requireUser } from "@/server/session";

type Props = { params: Promise<{ id: string }> };

/** generateMetadata and the page both need the post: one read per request. */
const loadPost = cache(async (id: string) => {
  const viewer = await requireUser(postPath(id));
  return { viewer, post: isPlausibleId(id) ? await findPost(viewer.id, id) : null };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { post } = await loadPost((await params).id);
  // No notFound() here: metadata may stream after the status is sent; the page decides the 404.
  return post ? { title: postTitle(post.author), description: post.caption } : { title: NOT_FOUND_TITLE };
}

export default async function PostDetailPage({ params }: Props) {
  const { viewer, post } = await loadPost((await params).id);
  if (!post) notFound();
  return (
    <main className="page page--post">
      <h1 className="visually-hidden">Photo by {post.author.name}</h1>
      <PostCard post={post} eager variant="page" viewerId={viewer.id} />
    </main>
  );
}
