// The bench's world, written identically into the app's database and the floor's, so both serve
// the same rows. Ids are digit strings on purpose: pgbench variables are numbers, and a number
// sent as a parameter arrives as the very same text id (bench/pgbench.ts). The app accepts any
// [a-z0-9] id (server/posts.ts isPlausibleId), so nothing else changes.
import pg from "pg";
import { hashPassword } from "../server/password";

/** Every bench user's password: signing in hashes nothing more than the tests' users do. */
export const BENCH_PASSWORD = "correct horse battery";
export const OWNER_ID = "1000000";
export const P3_USER_ID = "1900001";
const LIKER_BASE = 1_000_000;
const P1_POST_BASE = 2_000_000;
const P2_POST_BASE = 2_100_000;
const FEED_POST_BASE = 2_900_000;
/** The feed's newest posts, by several authors, so its author lookup is not a single row. */
const FEED_POSTS = 20;
const FEED_AUTHORS = 10;

export const likerId = (i: number) => String(LIKER_BASE + 1 + i);
export const p1PostId = (i: number) => String(P1_POST_BASE + 1 + i);
export const p2PostId = (i: number) => String(P2_POST_BASE + 1 + i);
export const feedPostId = (i: number) => String(FEED_POST_BASE + 1 + i);
/** pgbench's view of the same ids: base + 1 + index. */
export const ID_BASES = { liker: LIKER_BASE + 1, p1Post: P1_POST_BASE + 1 };

export type World = {
  password: string;
  owner: { id: string; username: string };
  likers: { id: string; username: string }[];
  p3User: { id: string; username: string };
  p1Posts: string[];
  p2Posts: string[];
  feedPosts: string[];
};

export function plan(likers: number, p1Posts: number, p2Posts: number, password: string): World {
  return {
    password,
    owner: { id: OWNER_ID, username: "bench_owner" },
    likers: Array.from({ length: likers }, (_, i) => ({
      id: likerId(i),
      username: `bench_u${String(i + 1).padStart(4, "0")}`,
    })),
    p3User: { id: P3_USER_ID, username: "bench_browser" },
    p1Posts: Array.from({ length: p1Posts }, (_, i) => p1PostId(i)),
    p2Posts: Array.from({ length: p2Posts }, (_, i) => p2PostId(i)),
    feedPosts: Array.from({ length: FEED_POSTS }, (_, i) => feedPostId(i)),
  };
}

export async function seed(databaseUrl: string, world: World): Promise<void> {
  const passwordHash = await hashPassword(world.password);
  const users = [world.owner, world.p3User, ...world.likers];
  const now = Date.now();
  const day = 24 * 3600 * 1000;
  // Liked posts are a day old, the feed's are the newest: the feed's first page is the same rows
  // all through the bench.
  const posts = [
    ...world.p1Posts.map((id, i) => ({ id, authorId: world.owner.id, createdAt: new Date(now - day - i * 1000) })),
    ...world.p2Posts.map((id, i) => ({ id, authorId: world.owner.id, createdAt: new Date(now - 2 * day - i * 1000) })),
    ...world.feedPosts.map((id, i) => ({
      id,
      authorId: world.likers[i % FEED_AUTHORS]!.id,
      createdAt: new Date(now - i * 1000),
    })),
  ];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "User" (id, username, name, "avatarUrl", "passwordHash")
       SELECT id, username, 'Bench ' || username, '/seed/avatars/alice.svg', $3 FROM unnest($1::text[], $2::text[]) AS u(id, username)`,
      [users.map((u) => u.id), users.map((u) => u.username), passwordHash],
    );
    await client.query(
      `INSERT INTO "Post" (id, "authorId", "imageUrl", caption, "createdAt")
       SELECT id, "authorId", '/seed/posts/alice-1.svg', 'bench photo ' || id, "createdAt" FROM unnest($1::text[], $2::text[], $3::timestamp[]) AS p(id, "authorId", "createdAt")`,
      [
        posts.map((p) => p.id),
        posts.map((p) => p.authorId),
        posts.map((p) => p.createdAt.toISOString().replace("Z", "")),
      ],
    );
  } finally {
    await client.end();
  }
}
