// The worker's decision as Postgres runs it: like_event_decision (prisma/migrations/…_like_event_decision,
// ADR 033), called the way server/delivery.ts calls it, on a fresh database of its own.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import pg from "pg";
import { LIKE_EVENT, LIKE_EVENTS, UNLIKE_EVENT } from "../../server/likes";
import { POST_DELETED_EVENT } from "../../server/post-deletion";
import { applyMigrations } from "../../tooling/migrations";
import { dropDatabase } from "../../tooling/postgres";

const databaseUrl = `postgresql://postgres@127.0.0.1:5432/likes_decision_${randomBytes(4).toString("hex")}`;
let owner: pg.Client;
let worker: pg.Client;

before(async () => {
  await applyMigrations(databaseUrl);
  [owner, worker] = [new pg.Client(databaseUrl), new pg.Client(databaseUrl)];
  await Promise.all([owner.connect(), worker.connect()]);
  await owner.query(`INSERT INTO "User"(id, username, name, "avatarUrl", "passwordHash")
    VALUES ('author', 'author', 'Author', '/a.svg', 'h'), ('liker', 'liker', 'Liker', '/l.svg', 'h')`);
  await owner.query(`INSERT INTO "Post"(id, "authorId", "imageUrl", caption) VALUES ('post', 'author', '/p.svg', 'c')`);
});
after(async () => {
  await Promise.all([owner?.end(), worker?.end()]);
  await dropDatabase(databaseUrl);
});

const payload = JSON.stringify({ postId: "post", actorId: "liker", recipientId: "author" });
const lockKey = `hashtextextended('like:liker:post', 0)`;

async function addEvent(client: pg.Client | pg.PoolClient, id: string, type: string, body = payload) {
  await client.query(`INSERT INTO "OutboxEvent"(id, type, payload) VALUES ($1, $2, $3)`, [id, type, body]);
}

function decide(eventId: string, notificationId: string) {
  return worker
    .query(`SELECT * FROM like_event_decision($1, $2, $3::text[])`, [eventId, notificationId, LIKE_EVENTS])
    .then((r) => r.rows);
}

async function notifications() {
  const { rows } = await owner.query(`SELECT id FROM "Notification" WHERE "actorId" = 'liker' AND "postId" = 'post'`);
  return rows.map((r) => r.id as string);
}

/** Until `pid` waits for a lock: what the worker's call does while another run holds (actor, post). */
async function waitingOnLock(pid: number) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await owner.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
    if (rows[0]?.wait_event_type === "Lock") return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail("the decision never waited for the advisory lock");
}

test("the decision waits for the (actor, post) lock, then sees what its holder committed meanwhile", async () => {
  const workerPid = (await worker.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid as number;
  await addEvent(owner, "ev-like", LIKE_EVENT);
  // Another run holds the lock of (liker, post), and the Like row appears while it does.
  await owner.query("BEGIN");
  await owner.query(`SELECT pg_advisory_xact_lock(${lockKey})`);
  const decision = decide("ev-like", "n-1");
  await waitingOnLock(workerPid);
  // Committed after the call began: a statement with one snapshot from its start would not see it.
  await owner.query(`INSERT INTO "Like"("userId", "postId") VALUES ('liker', 'post')`);
  await owner.query("COMMIT");

  const [row] = await decision;
  assert.equal(row.type, LIKE_EVENT);
  assert.equal(row.outcome, null, "the event as found: not decided before");
  assert.equal(row.id, "n-1");
  assert.equal(row.username, "liker");
  assert.equal(row.imageUrl, "/p.svg");
  assert.deepEqual(row.payload, JSON.parse(payload));
  assert.deepEqual(await notifications(), ["n-1"]);
  const { rows } = await owner.query(`SELECT outcome FROM "OutboxEvent" WHERE id = 'ev-like'`);
  assert.deepEqual(rows[0].outcome, { created: "n-1" });
});

test("a second call replays the recorded decision and creates nothing", async () => {
  const [row] = await decide("ev-like", "n-2");
  assert.deepEqual(row.outcome, { created: "n-1" });
  assert.equal(row.id, null);
  assert.deepEqual(await notifications(), ["n-1"]);
});

test("after the unlike, its event retracts the notification; the old like event, decided anew, creates none", async () => {
  await owner.query(`DELETE FROM "Like" WHERE "userId" = 'liker' AND "postId" = 'post'`);
  await addEvent(owner, "ev-unlike", UNLIKE_EVENT);
  const [row] = await decide("ev-unlike", "n-3");
  assert.equal(row.retracted, "n-1");
  assert.deepEqual(await notifications(), []);

  await addEvent(owner, "ev-like-late", LIKE_EVENT);
  const [late] = await decide("ev-like-late", "n-4");
  assert.equal(late.id, null);
  assert.equal(late.retracted, null);
  assert.deepEqual(await notifications(), []);
});

test("an event of another type is read, not decided; an unknown id returns no row", async () => {
  await addEvent(owner, "ev-deleted", POST_DELETED_EVENT, JSON.stringify({ postId: "post", retractions: [] }));
  const [row] = await decide("ev-deleted", "n-5");
  assert.equal(row.type, POST_DELETED_EVENT);
  assert.equal(row.outcome, null);
  const { rows } = await owner.query(`SELECT outcome FROM "OutboxEvent" WHERE id = 'ev-deleted'`);
  assert.equal(rows[0].outcome, null);
  assert.deepEqual(await decide("no-such-event", "n-6"), []);
});

test("a deleted post's like fails on its foreign key, which the worker reads as gone", async () => {
  await owner.query(`INSERT INTO "Like"("userId", "postId") VALUES ('liker', 'post')`);
  await addEvent(
    owner,
    "ev-like-gone",
    LIKE_EVENT,
    JSON.stringify({ postId: "post", actorId: "liker", recipientId: "nobody" }),
  );
  await assert.rejects(decide("ev-like-gone", "n-7"), (error: { code?: string }) => error.code === "23503");
  assert.deepEqual(await notifications(), []);
});
