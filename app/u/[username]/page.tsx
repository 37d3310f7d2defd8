// /u/:username: a person's profile: who, how many photos, how many likes they received, and their
// photos as a grid, newest first. An unknown username is the 404 page.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ProfileGrid } from "@/app/components/profile/ProfileGrid";
import { ProfileHeader } from "@/app/components/profile/ProfileHeader";
import { NOT_FOUND_TITLE, profileTitle } from "@/app/lib/page-titles";
import { profilePath } from "@/shared/routes";
import { USER_POSTS_PAGE_SIZE } from "@/app/lib/api-client";
import { listPosts } from "@/server/posts";
import { requireUser } from "@/server/session";
import { findProfile } from "@/server/users";

type Props = { params: Promise<{ username: string }> };

/** generateMetadata and the page both need the profile: one read per request. */
const loadProfile = cache(async (username: string) => {
  const viewer = await requireUser(profilePath(username));
  return { viewer, profile: await findProfile(username) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { profile } = await loadProfile((await params).username);
  // No notFound() here: metadata may stream after the status is sent; the page decides the 404.
  return profile ? { title: profileTitle(profile.user) } : { title: NOT_FOUND_TITLE };
}

export default async function ProfilePage({ params }: Props) {
  const { viewer, profile } = await loadProfile((await params).username);
  if (!profile) notFound();
  const firstPage = await listPosts(viewer.id, {
    limit: USER_POSTS_PAGE_SIZE,
    cursor: null,
    authorId: profile.user.id,
  });
  return (
    <main className="page page--profile">
      <ProfileHeader user={profile.user} postCount={profile.postCount} likesReceived={profile.likesReceived} />
      <ProfileGrid username={profile.user.username} initialPage={firstPage} />
    </main>
  );
}
