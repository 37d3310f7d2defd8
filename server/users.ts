// People: a profile (who, how many photos, how many likes those photos got) and their photos.
import { notFound } from "./api-errors";
import { db } from "./db";
import { listPosts, userSelect, type UserDto } from "./posts";
import type { PostPage } from "../shared/api";

export type Profile = { user: UserDto; postCount: number; likesReceived: number };

/** User.username is varchar(32): anything longer or empty cannot name anyone, so no query. */
export function isPlausibleUsername(username: string): boolean {
  const length = [...username].length; // Postgres counts characters, not UTF-16 units
  return length >= 1 && length <= 32;
}

export async function findUserByUsername(username: string): Promise<UserDto | null> {
  if (!isPlausibleUsername(username)) return null;
  return db().user.findUnique({ where: { username }, select: userSelect });
}

/** The profile's header, or null for no such user. Likes received sum the denormalised counts. */
export async function findProfile(username: string): Promise<Profile | null> {
  const user = await findUserByUsername(username);
  if (!user) return null;
  const totals = await db().post.aggregate({
    where: { authorId: user.id },
    _count: { _all: true },
    _sum: { likeCount: true },
  });
  return { user, postCount: totals._count._all, likesReceived: totals._sum.likeCount ?? 0 };
}

/** One person's photos, newest first, as the viewer sees them. 404 for no such user. */
export async function listUserPosts(
  viewerId: string,
  username: string,
  opts: { limit: number; cursor: string | null },
): Promise<PostPage> {
  const author = await findUserByUsername(username);
  if (!author) throw notFound("User");
  return listPosts(viewerId, { ...opts, authorId: author.id });
}
