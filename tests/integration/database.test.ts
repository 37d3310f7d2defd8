// Migrations (offline, through Prisma's WebAssembly schema engine) and the seed, on a fresh database.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import pg from "pg";
import { applyMigrations, createMigration, SCHEMA_PATH } from "../../scripts/lib/migrations";
import { dropDatabase, ROOT } from "../../scripts/lib/stack";

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
  execFileSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, ...env }, encoding: "utf8" });

test("migrations are recorded where prisma migrate deploy records them, and a second run applies nothing", async () => {
  const { rows } = await client.query(`SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations`);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((r) => r.finished_at && !r.rolled_back_at));
  assert.match(run("scripts/migrate.ts"), /database is up to date: no migration to apply/);
  const again = await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations`);
  assert.equal(again.rows[0].n, rows.length);
});

test("the database enforces one like per user and post", async () => {
  await client.query(`INSERT INTO "User"(id, username, name, "avatarUrl", "passwordHash") VALUES ('u1','dbtest','x','/a.svg','h')`);
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

test("seeding twice creates the three users and their posts once, with argon2id hashes", async () => {
  run("prisma/seed.ts");
  const second = run("prisma/seed.ts");
  assert.match(second, /0 new post/);
  const users = await client.query(`SELECT username, "passwordHash" FROM "User" WHERE username IN ('alice','bob','carol') ORDER BY username`);
  assert.deepEqual(users.rows.map((r) => r.username), ["alice", "bob", "carol"]);
  assert.ok(users.rows.every((r) => r.passwordHash.startsWith("$argon2id$") && !r.passwordHash.includes("demo1234")));
  const posts = await client.query(`SELECT count(*)::int AS n FROM "Post" p JOIN "User" u ON u.id = p."authorId" WHERE u.username IN ('alice','bob','carol')`);
  assert.equal(posts.rows[0].n, 9);
});
