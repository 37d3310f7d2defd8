// Posts: the feed (newest first, each with its author and whether the viewer likes it), one post,
// and who likes a post. (Posting a photo: server/posting.ts.)
import { notFound } from "./api-errors";
import { decodeCursor, encodeCursor, type Cursor } from "./cursor";
import { db } from "./db";
import { Prisma } from "./generated/prisma/client";
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

/** A row of feedStatement(): a post with its author's columns and the viewer's like. */
export type FeedRow = {
  id: string;
  imageUrl: string;
  caption: string;
  likeCount: number;
  createdAt: Date;
  authorId: string;
  username: string;
  name: string;
  avatarUrl: string;
  likedByMe: boolean;
};

/**
 * The feed's one statement, as Prisma will send it (`.text` with $1, $2 …, and `.values`): a page
 * of posts, newest first, each with its author and whether the viewer likes it, and one post more,
 * which tells whether another page exists. Keyset paging on (createdAt, id): the row comparison
 * follows the ORDER BY, and so the index on ("createdAt" DESC, id DESC), or (authorId, …) for one
 * person's photos. Exported for the benchmark's floors (bench/), which run this very statement.
 *
 * Why not Prisma's findMany with the author and the viewer's like as relations: Prisma sends that
 * as three statements (the posts, then their authors and the likes) and joins them in JavaScript;
 * this is the app's most-read route, and Postgres joins for less (docs/benchmarks.md, "the feed in
 * one statement"). One statement also reads one snapshot: a post cannot lose its author between reads.
 */
export function feedStatement(
  viewerId: string,
  { limit, cursor, authorId }: { limit: number; cursor: Cursor | null; authorId?: string },
): Prisma.Sql {
  // Prisma keeps DateTime as UTC in a timestamp column: the cursor's ISO text (…Z) is that UTC time.
  const older = cursor
    ? Prisma.sql`AND (p."createdAt", p.id) < (${cursor.createdAt.toISOString()}::timestamp, ${cursor.id})`
    : Prisma.empty;
  const byAuthor = authorId ? Prisma.sql`AND p."authorId" = ${authorId}` : Prisma.empty;
  return Prisma.sql`SELECT p.id, p."imageUrl", p.caption, p."likeCount", p."createdAt",
           u.id AS "authorId", u.username, u.name, u."avatarUrl",
           EXISTS (SELECT 1 FROM "Like" l WHERE l."userId" = ${viewerId} AND l."postId" = p.id) AS "likedByMe"
    FROM "Post" p JOIN "User" u ON u.id = p."authorId"
    WHERE true ${older} ${byAuthor}
    ORDER BY p."createdAt" DESC, p.id DESC
    LIMIT ${limit + 1}`;
}

/** Newest first; `authorId` narrows it to one person's photos (their profile). */
export async function listPosts(
  viewerId: string,
  opts: { limit: number; cursor: string | null; authorId?: string },
): Promise<PostPage> {
  const cursor = decodeCursor(opts.cursor);
  const rows = await db().$queryRaw<FeedRow[]>(feedStatement(viewerId, { ...opts, cursor }));
  return feedPage(rows, opts.limit);
}

/** The page the API answers from feedStatement()'s rows (one more than `limit` if more follow). */
export function feedPage(rows: FeedRow[], limit: number): PostPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row): PostDto => ({
      id: row.id,
      author: { id: row.authorId, username: row.username, name: row.name, avatarUrl: row.avatarUrl },
      imageUrl: row.imageUrl,
      caption: row.caption,
      likeCount: row.likeCount,
      likedByMe: row.likedByMe,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/**
 * Prisma reads a post, then its author, in two statements: an account deleted in between (its
 * posts go with it) leaves a post without its author. That post is gone.
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
