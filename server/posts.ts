// Posts: the feed (newest first, each with its author and whether the viewer likes it), one post,
// and who likes a post. (Posting a photo: server/posting.ts.)
import { notFound } from "./api-errors";
import { decodeCursor, encodeCursor, olderThan } from "./cursor";
import { db } from "./db";
import type { Liker, LikerPage, Post as PostDto, PostPage, UserSummary as UserDto } from "../shared/api";

export type { PostDto, UserDto };

export const userSelect = { id: true, username: true, name: true, avatarUrl: true } as const;

export function postSelect(viewerId: string) {
  return {
    id: true,
    imageUrl: true,
    caption: true,
    likeCount: true,
    createdAt: true,
    author: { select: userSelect },
    // At most one row: the viewer's own like, if any.
    likes: { where: { userId: viewerId }, select: { userId: true }, take: 1 },
  } as const;
}

export type PostRow = {
  id: string;
  imageUrl: string;
  caption: string;
  likeCount: number;
  createdAt: Date;
  author: UserDto;
  likes: { userId: string }[];
};

export function toPostDto(row: PostRow): PostDto {
  return {
    id: row.id,
    author: row.author,
    imageUrl: row.imageUrl,
    caption: row.caption,
    likeCount: row.likeCount,
    likedByMe: row.likes.length > 0,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Newest first; `authorId` narrows it to one person's photos (their profile). */
export async function listPosts(
  viewerId: string,
  opts: { limit: number; cursor: string | null; authorId?: string },
): Promise<PostPage> {
  const cursor = decodeCursor(opts.cursor);
  const rows = await db().post.findMany({
    where: { ...olderThan(cursor), ...(opts.authorId ? { authorId: opts.authorId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1, // one extra tells whether another page exists
    select: postSelect(viewerId),
  });
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.filter(hasAuthor).map(toPostDto),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
  };
}

/**
 * Prisma reads the posts, then their authors, in two statements: an account deleted in between
 * (its posts go with it) leaves a post without its author. That post is gone: it is left out.
 */
const hasAuthor = (row: PostRow): boolean => row.author != null;

/** One post, or null when there is no such post (pages answer that with their 404). */
export async function findPost(viewerId: string, postId: string): Promise<PostDto | null> {
  const row = await db().post.findUnique({ where: { id: postId }, select: postSelect(viewerId) });
  return row && hasAuthor(row) ? toPostDto(row) : null;
}

export async function getPost(viewerId: string, postId: string): Promise<PostDto> {
  const post = await findPost(viewerId, postId);
  if (!post) throw notFound("Post");
  return post;
}

/** Ids are cuids: anything else cannot name a post, so answer 404 without asking the database. */
export function isPlausibleId(id: string): boolean {
  return /^[a-z0-9]{1,40}$/i.test(id);
}

/** Who likes a post, newest like first, keyset-paged on (createdAt, userId). 404 for no such post. */
export async function listLikers(postId: string, opts: { limit: number; cursor: string | null }): Promise<LikerPage> {
  const cursor = decodeCursor(opts.cursor);
  const [post, rows] = await Promise.all([
    db().post.findUnique({ where: { id: postId }, select: { id: true } }),
    db().like.findMany({
      where: {
        postId,
        ...(cursor
          ? {
              OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, userId: { lt: cursor.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { userId: "desc" }],
      take: opts.limit + 1,
      select: { createdAt: true, userId: true, user: { select: userSelect } },
    }),
  ]);
  if (!post) throw notFound("Post");
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    // A liker whose account was deleted between the two reads is gone (see hasAuthor).
    items: page
      .filter((row) => row.user != null)
      .map((row): Liker => ({ user: row.user, likedAt: row.createdAt.toISOString() })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.userId }) : null,
  };
}
