// npm run db:seed: eight people with photos, likes between them and the notifications those likes
// made, so the feed pages, the inbox groups ("dana and 3 others liked your photo") and the counts
// show something on first open. Sign in as alice, bob or carol; dana, eli, farah and gus are the
// bots `npm run simulate` signs in as (scripts/simulate.ts); hana is one more person.
//
// Idempotent: users are upserted by username, posts and notifications have fixed ids, and likes
// and notifications are only written together with the post or the liker they belong to, in one
// transaction. So a second run changes nothing, and neither does a run after people have used
// the app: a seeded like someone took back stays taken back.
// Passwords: SEED_PASSWORD (default demo1234). Images ship in public/seed/ (made by
// tooling/seed-images.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_SEED_PASSWORD, refuseDemoSecretsOrExit } from "../server/demo-secrets";

/** A post: its caption, and how many of the people outside alice, bob and carol like it. */
export type SeedPost = { caption: string; popularity: number };
export type SeedUser = { username: string; name: string; posts: readonly SeedPost[] };

const p = (caption: string, popularity: number): SeedPost => ({ caption, popularity });

export const SEED_USERS: readonly SeedUser[] = [
  // The first three posts of alice, bob and carol are the original seed's (ids and images kept).
  {
    username: "alice",
    name: "Alice Martin",
    posts: [
      p("Morning light over the harbour", 5),
      p("Found the best coffee in town", 3),
      p("Weekend hike, worth every step", 4),
      p("Lake day, borrowed a canoe", 0),
      p("Balloons over the valley at dawn", 5),
      p("Pines and fog on the ridge", 4),
    ],
  },
  {
    username: "bob",
    name: "Bob Okafor",
    posts: [
      p("Sunset from the roof", 4),
      p("New desk setup", 2),
      p("Grandma's recipe, finally right", 5),
      p("City lights from the 12th floor", 3),
      p("Ramen night", 0),
      p("Birthday cake, attempt two", 5),
    ],
  },
  {
    username: "carol",
    name: "Carol Nguyen",
    posts: [
      p("First snow", 3),
      p("Street art downtown", 5),
      p("Tiny plant, big plans", 1),
      p("Tulips on the sill", 4),
      p("Camping under a million stars", 5),
      p("Dunes at noon", 0),
    ],
  },
  {
    username: "dana",
    name: "Dana Kowalski",
    posts: [
      p("Sunrise over the peaks", 6),
      p("Found a quiet beach", 3),
      p("Reading corner", 0),
      p("Evening sail", 4),
      p("Mountain lake, very cold", 1),
    ],
  },
  {
    username: "eli",
    name: "Eli Haddad",
    posts: [
      p("Night shift skyline", 2),
      p("Espresso and a croissant", 5),
      p("Rain on the window", 0),
      p("Weekend ride", 3),
      p("Snow on the pines", 7),
    ],
  },
  {
    username: "farah",
    name: "Farah Siddiqui",
    posts: [
      p("Desert road trip, day three", 4),
      p("Sunflowers everywhere", 6),
      p("Hot air balloon festival", 2),
      p("Lemon cake for the team", 0),
      p("Tide coming in", 3),
    ],
  },
  {
    username: "gus",
    name: "Gus Lindqvist",
    posts: [
      p("The cat's favourite window", 7),
      p("Campfire stories", 1),
      p("Ridge walk", 3),
      p("Noodles from scratch", 0),
      p("Harbour at dusk", 2),
    ],
  },
  {
    username: "hana",
    name: "Hana Sato",
    posts: [
      p("Cherry blossoms in the park", 5),
      p("Tea and a good book", 2),
      p("City in the rain", 4),
      p("Autumn forest", 0),
      p("Moonrise", 3),
    ],
  },
];

/** The people to sign in as. Between them, each likes exactly one photo of each other's (below). */
export const SEED_HUMANS = ["alice", "bob", "carol"] as const;
/** The users scripts/simulate.ts signs in as: marked as bots by this list only. */
export const SEED_BOT_USERNAMES = ["dana", "eli", "farah", "gus"] as const;

/**
 * Likes among alice, bob and carol: one photo of each other's each, so every one of them still has
 * five photos of each of the others to like (the compose suite likes some: tests/compose/).
 */
const HUMAN_LIKES: readonly (readonly [liker: string, postId: string])[] = [
  ["alice", "seedbob3"],
  ["alice", "seedcarol2"],
  ["bob", "seedalice1"],
  ["bob", "seedcarol5"],
  ["carol", "seedalice5"],
  ["carol", "seedbob6"],
];

export const seedPostId = (username: string, n: number) => `seed${username}${n}`;
export const seedPostImage = (username: string, n: number) => `/seed/posts/${username}-${n}.svg`;
export const seedAvatar = (username: string) => `/seed/avatars/${username}.svg`;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** How far back the seeded posts go. */
const SPAN_MS = 35 * DAY;
/** A notification older than this (before the first seed) has been read; the newer ones have not. */
const READ_BEFORE_MS = 25 * DAY;

/**
 * A small deterministic generator (mulberry32): the same likes and times on every machine, and the
 * same pictures from tooling/seed-images.ts.
 */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type PlannedPost = { id: string; username: string; n: number; caption: string; popularity: number; offsetMs: number };
type PlannedLike = { liker: string; postId: string };

/** Every post with its age relative to the first seed: authors take turns, newest last. */
export function planPosts(): PlannedPost[] {
  const rows = SEED_USERS.flatMap((user, u) => user.posts.map((post, i) => ({ user, post, i, u })));
  // Round by round (each author's first post, then each one's second…), as the original seed did.
  rows.sort((a, b) => a.i - b.i || a.u - b.u);
  const rng = random(14);
  return rows.map(({ user, post, i }, slot) => ({
    id: seedPostId(user.username, i + 1),
    username: user.username,
    n: i + 1,
    caption: post.caption,
    popularity: post.popularity,
    // Evenly spaced back over SPAN_MS, each nudged by up to three hours so they do not look scheduled.
    offsetMs: Math.round(((rows.length - slot) * SPAN_MS) / rows.length + rng() * 3 * HOUR),
  }));
}

/** Who likes what: alice, bob and carol as HUMAN_LIKES says; the others by each post's popularity. */
export function planLikes(): PlannedLike[] {
  const rng = random(2026);
  const humans: readonly string[] = SEED_HUMANS;
  const likes: PlannedLike[] = HUMAN_LIKES.map(([liker, postId]) => ({ liker, postId }));
  for (const post of planPosts()) {
    const candidates = SEED_USERS.map((u) => u.username).filter((u) => u !== post.username && !humans.includes(u));
    // Alice, bob and carol like the others' photos freely; each other's only as HUMAN_LIKES says.
    if (!humans.includes(post.username)) candidates.push(...humans);
    // A seeded shuffle (Fisher–Yates), then the first `popularity` of them.
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    for (const liker of candidates.slice(0, post.popularity)) likes.push({ liker, postId: post.id });
  }
  return likes;
}

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  // Loaded only when the seed runs: the bots, the bench and the seed images import this module for
  // its people and its seeded random, and need no database client for that.
  const { createPrisma } = await import("../server/db");
  const { hashPassword, verifyPassword } = await import("../server/password");

  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is required (see .env.example)");
    process.exit(78);
  }
  // Not through server/env.ts: the same refusal of demo secrets in production, and the seeded
  // accounts' password with them (a public one would open them to anyone).
  refuseDemoSecretsOrExit(process.env, ["DATABASE_URL", "SEED_PASSWORD"]);
  const password = process.env.SEED_PASSWORD || DEFAULT_SEED_PASSWORD;
  const passwordHash = await hashPassword(password);
  const prisma = createPrisma(url);
  const plannedPosts = planPosts();
  const plannedLikes = planLikes();

  // One transaction: a seed interrupted half way leaves nothing, so the next run starts afresh
  // rather than finding posts whose likes were never written.
  const result = await prisma.$transaction(
    async (tx) => {
      const existing = await tx.user.findMany({
        where: { username: { in: SEED_USERS.map((u) => u.username) } },
        select: { username: true, passwordHash: true },
      });
      const existingUsers = new Set(existing.map((u) => u.username));
      // A hash that still matches the password is kept: a new salt would be a change for nothing.
      const keepHash = new Set<string>();
      for (const user of existing) if (await verifyPassword(user.passwordHash, password)) keepHash.add(user.username);
      const userIds = new Map<string, string>();
      for (const spec of SEED_USERS) {
        const user = await tx.user.upsert({
          where: { username: spec.username },
          update: {
            name: spec.name,
            avatarUrl: seedAvatar(spec.username),
            ...(keepHash.has(spec.username) ? {} : { passwordHash }),
          },
          create: { username: spec.username, name: spec.name, avatarUrl: seedAvatar(spec.username), passwordHash },
          select: { id: true },
        });
        userIds.set(spec.username, user.id);
      }
      // Times are relative to the first seed (alice's row): the feed reads "3 days ago" rather
      // than a fixed date that grows old, and stays the same on every later run.
      const anchor = (
        await tx.user.findUniqueOrThrow({ where: { username: "alice" }, select: { createdAt: true } })
      ).createdAt.getTime();

      const existingPosts = new Set(
        (
          await tx.post.findMany({ where: { id: { in: plannedPosts.map((post) => post.id) } }, select: { id: true } })
        ).map((post) => post.id),
      );
      const newPosts = plannedPosts.filter((post) => !existingPosts.has(post.id));
      await tx.post.createMany({
        data: newPosts.map((post) => ({
          id: post.id,
          authorId: userIds.get(post.username)!,
          imageUrl: seedPostImage(post.username, post.n),
          caption: post.caption,
          createdAt: new Date(anchor - post.offsetMs),
        })),
        skipDuplicates: true,
      });

      // A like is seeded only along with its post or its liker: a later run must not bring back
      // a like that someone has since taken back.
      const freshPosts = new Set(newPosts.map((post) => post.id));
      const toWrite = plannedLikes.filter((like) => freshPosts.has(like.postId) || !existingUsers.has(like.liker));
      const posts = new Map(
        (
          await tx.post.findMany({
            where: { id: { in: plannedPosts.map((post) => post.id) } },
            select: { id: true, authorId: true, createdAt: true },
          })
        ).map((post) => [post.id, post]),
      );
      const rng = random(7);
      const rows = toWrite.map((like) => {
        const post = posts.get(like.postId)!;
        // Most likes come within hours of the photo, a few days later; none after the seed.
        const delay = HOUR + rng() * (rng() < 0.8 ? 12 * HOUR : 4 * DAY);
        const createdAt = new Date(Math.min(post.createdAt.getTime() + delay, anchor - 5 * 60_000));
        return { userId: userIds.get(like.liker)!, liker: like.liker, post, createdAt };
      });
      const likes = await tx.like.createMany({
        data: rows.map((r) => ({ userId: r.userId, postId: r.post.id, createdAt: r.createdAt })),
        skipDuplicates: true,
      });

      // What the worker would have written for each like of someone else's photo
      // (server/notifications.ts prepareDelivery): one row per (recipient, liker, photo). No
      // outbox event: these were delivered long ago.
      const notifications = await tx.notification.createMany({
        data: rows
          .filter((r) => r.post.authorId !== r.userId)
          .map((r) => ({
            id: `seedn${r.liker}${r.post.id}`,
            recipientId: r.post.authorId,
            actorId: r.userId,
            postId: r.post.id,
            type: "like" as const,
            sourceEventId: "seed",
            createdAt: r.createdAt,
            readAt: anchor - r.createdAt.getTime() > READ_BEFORE_MS ? new Date(r.createdAt.getTime() + 6 * HOUR) : null,
          })),
        skipDuplicates: true,
      });

      // The denormalised count agrees with the Like rows, whatever was there before.
      await tx.$executeRaw`
        UPDATE "Post" p SET "likeCount" = c.n
        FROM (SELECT p2.id, count(l."userId")::int AS n FROM "Post" p2 LEFT JOIN "Like" l ON l."postId" = p2.id
              WHERE p2.id LIKE 'seed%' GROUP BY p2.id) c
        WHERE p.id = c.id AND p."likeCount" <> c.n`;
      return { posts: newPosts.length, likes: likes.count, notifications: notifications.count };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );

  const shown = process.env.SEED_PASSWORD ? "$SEED_PASSWORD" : DEFAULT_SEED_PASSWORD;
  console.log(
    `seeded ${SEED_USERS.length} users (password: ${shown}), ${result.posts} new post(s), ${result.likes} new like(s), ${result.notifications} new notification(s)`,
  );
  await prisma.$disconnect();
}

// Imported by scripts/simulate.ts for the bots' names: seed only when run as a script.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
