// Migrations (offline, through Prisma's WebAssembly schema engine) and the seed, on a fresh database.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import pg from "pg";
import { applyMigrations, createMigration, SCHEMA_PATH } from "../../tooling/migrations";
import { ROOT } from "../../tooling/paths";
import { dropDatabase } from "../../tooling/postgres";

const databaseUrl = `postgresql://postgres@127.0.0.1:5432/likes_dbtest_${randomBytes(4).toString("hex")}`;
let client: pg.Client;

before(async () => {
  await applyMigrations(databaseUrl);
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
});
after(async () => {
  await client?.end();
  await dropDatabase(databaseUrl);
});

const run = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    encoding: "utf8",
  });

test("migrations are recorded where prisma migrate deploy records them, and a second run applies nothing", async () => {
  const { rows } = await client.query(`SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations`);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((r) => r.finished_at && !r.rolled_back_at));
  assert.match(run("scripts/migrate.ts"), /database is up to date: no migration to apply/);
  const again = await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations`);
  assert.equal(again.rows[0].n, rows.length);
});

test("the database enforces one like per user and post", async () => {
  await client.query(
    `INSERT INTO "User"(id, username, name, "avatarUrl", "passwordHash") VALUES ('u1','dbtest','x','/a.svg','h')`,
  );
  await client.query(`INSERT INTO "Post"(id, "authorId", "imageUrl", caption) VALUES ('p1','u1','/p.svg','c')`);
  await client.query(`INSERT INTO "Like"("userId", "postId") VALUES ('u1','p1')`);
  await assert.rejects(client.query(`INSERT INTO "Like"("userId", "postId") VALUES ('u1','p1')`), /duplicate key/);
  await assert.rejects(client.query(`INSERT INTO "Like"("userId", "postId") VALUES ('u1','nope')`), /foreign key/);
});

test("the committed migrations match schema.prisma (no migration left to create)", async () => {
  const before = readFileSync(SCHEMA_PATH, "utf8");
  assert.equal(await createMigration("should_not_exist", databaseUrl), null);
  assert.equal(readFileSync(SCHEMA_PATH, "utf8"), before);
});

test("seeding twice writes the users, posts, likes and notifications once, with argon2id hashes", async () => {
  const first = run("prisma/seed.ts");
  assert.match(first, /seeded 8 users .*, 43 new post\(s\), 137 new like\(s\), 137 new notification\(s\)/);
  const counts = async () =>
    (
      await client.query(`SELECT (SELECT count(*) FROM "User" WHERE username <> 'dbtest')::int AS users,
                                 (SELECT count(*) FROM "Post" WHERE id LIKE 'seed%')::int AS posts,
                                 (SELECT count(*) FROM "Like" l JOIN "Post" p ON p.id = l."postId" WHERE p.id LIKE 'seed%')::int AS likes,
                                 (SELECT count(*) FROM "Notification")::int AS notifications,
                                 (SELECT count(*) FROM "Notification" WHERE "readAt" IS NULL)::int AS unread,
                                 (SELECT count(*) FROM "OutboxEvent")::int AS events`)
    ).rows[0];
  const afterFirst = await counts();
  assert.deepEqual(afterFirst, {
    users: 8,
    posts: 43,
    likes: 137,
    notifications: 137,
    unread: afterFirst.unread,
    events: 0,
  });
  assert.ok(
    afterFirst.unread > afterFirst.notifications / 2 && afterFirst.unread < afterFirst.notifications,
    `most notifications unread, some read: ${afterFirst.unread}`,
  );

  // Someone takes back a seeded like (the way the app does: like, count, notification): a second
  // run must not bring it back, nor change anything else.
  await client.query(
    `DELETE FROM "Like" WHERE "postId" = 'seedalice1' AND "userId" = (SELECT id FROM "User" WHERE username = 'bob')`,
  );
  await client.query(`UPDATE "Post" SET "likeCount" = "likeCount" - 1 WHERE id = 'seedalice1'`);
  await client.query(
    `DELETE FROM "Notification" WHERE "postId" = 'seedalice1' AND "actorId" = (SELECT id FROM "User" WHERE username = 'bob')`,
  );
  const snapshot = async () => ({
    counts: await counts(),
    likes: (await client.query(`SELECT "userId", "postId", "createdAt" FROM "Like" ORDER BY 1, 2`)).rows,
    notifications: (
      await client.query(
        `SELECT id, "recipientId", "actorId", "postId", "readAt", "createdAt" FROM "Notification" ORDER BY id`,
      )
    ).rows,
    posts: (await client.query(`SELECT id, "likeCount", "createdAt" FROM "Post" ORDER BY id`)).rows,
    users: (
      await client.query(
        `SELECT id, username, name, "avatarUrl", "passwordHash", "createdAt" FROM "User" ORDER BY username`,
      )
    ).rows,
  });
  const before = await snapshot();
  const second = run("prisma/seed.ts");
  assert.match(second, /0 new post\(s\), 0 new like\(s\), 0 new notification\(s\)/);
  assert.deepEqual(await snapshot(), before);

  const users = await client.query(
    `SELECT username, "passwordHash" FROM "User" WHERE username IN ('alice','bob','carol') ORDER BY username`,
  );
  assert.deepEqual(
    users.rows.map((r) => r.username),
    ["alice", "bob", "carol"],
  );
  assert.ok(users.rows.every((r) => r.passwordHash.startsWith("$argon2id$") && !r.passwordHash.includes("demo1234")));
  const original = await client.query(
    `SELECT id, "imageUrl" FROM "Post" WHERE id ~ '^seed(alice|bob|carol)[123]$' ORDER BY id`,
  );
  assert.equal(original.rows.length, 9, "the original nine photos keep their ids");
  assert.ok(
    original.rows.every((r) => r.imageUrl === `/seed/posts/${r.id.replace(/^seed([a-z]+)(\d)$/, "$1-$2")}.svg`),
  );

  // Every count is the number of its likes; every like of someone else's photo has exactly one
  // notification and every notification a like (docs/decisions/014-notifications-follow-likes.md).
  const miscounted = await client.query(
    `SELECT p.id FROM "Post" p WHERE p.id LIKE 'seed%' AND p."likeCount" <> (SELECT count(*) FROM "Like" l WHERE l."postId" = p.id)`,
  );
  assert.deepEqual(miscounted.rows, []);
  const unmatched = await client.query(`
    SELECT l."userId", l."postId", n.id FROM "Like" l JOIN "Post" p ON p.id = l."postId"
    FULL JOIN "Notification" n ON n."actorId" = l."userId" AND n."postId" = l."postId" AND n."recipientId" = p."authorId"
    WHERE l."userId" IS NULL OR (n.id IS NULL AND p."authorId" <> l."userId")`);
  assert.deepEqual(unmatched.rows, []);

  // Among alice, bob and carol each has photos of each other's left to like (the compose suite
  // likes some), and the inbox of each has a group of several people and more than a page.
  const unliked = await client.query(`
    SELECT liker.username AS liker, owner.username AS owner, count(*)::int AS n
    FROM "User" liker CROSS JOIN "Post" p JOIN "User" owner ON owner.id = p."authorId"
    WHERE liker.username IN ('alice','bob','carol') AND owner.username IN ('alice','bob','carol') AND owner.id <> liker.id
      AND NOT EXISTS (SELECT 1 FROM "Like" l WHERE l."userId" = liker.id AND l."postId" = p.id)
    GROUP BY 1, 2`);
  assert.equal(unliked.rows.length, 6);
  assert.ok(
    unliked.rows.every((r) => r.n >= 4),
    JSON.stringify(unliked.rows),
  );
  const inboxes = await client.query(`
    SELECT u.username, count(*)::int AS n, max(per_post)::int AS biggest_group
    FROM "User" u JOIN (SELECT "recipientId", "postId", count(*) OVER (PARTITION BY "recipientId", "postId") AS per_post FROM "Notification") n ON n."recipientId" = u.id
    WHERE u.username IN ('alice','bob','carol') GROUP BY 1 ORDER BY 1`);
  assert.deepEqual(
    inboxes.rows.map((r) => r.username),
    ["alice", "bob", "carol"],
  );
  assert.ok(
    inboxes.rows.every((r) => r.n > 10 && r.biggest_group >= 4),
    JSON.stringify(inboxes.rows),
  );
  assert.ok(
    inboxes.rows.some((r) => r.n > 20),
    "one inbox has more than its first page (20)",
  );
});
