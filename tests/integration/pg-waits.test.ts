// tooling/pg-waits.ts, the sampler behind P1's "likes in Postgres" table, against the machine's
// Postgres (a database of its own): a statement blocked on a row lock is counted as waiting on a
// lock, for as long as it waits, to the statement it is; the app's real statement texts are
// recognised. And tooling/syscalls.ts counts this process's own socket reads, writes and wake-ups.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { PgWaitSampler, statementOf, waitKindOf } from "../../tooling/pg-waits";
import { syscallCounts } from "../../tooling/syscalls";
import { likeStatement } from "../../server/likes";
import { dropDatabase, ensureDatabase } from "../../tooling/postgres";
import { readFileSync } from "node:fs";

const url = `postgresql://postgres@127.0.0.1:5432/likes_test_pg_waits_${Date.now().toString(36)}`;
let pool: pg.Pool;
before(async () => {
  await ensureDatabase(url);
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(`CREATE TABLE post (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`);
  await pool.query(`INSERT INTO post VALUES (1, 0)`);
});
after(async () => {
  await pool?.end();
  await dropDatabase(url);
});

test("the app's statements are told apart by their first words", () => {
  const like = likeStatement(true, "u", "p", { eventId: "e", trace: null });
  assert.equal(statementOf(`/* traceparent='00-ab-cd-01' */ ${like.text}`), "like");
  assert.equal(statementOf(likeStatement(false, "u", "p", { eventId: "e", trace: null }).text), "like");
  // The worker's two statements, as server/delivery.ts writes them.
  const delivery = readFileSync(new URL("../../server/delivery.ts", import.meta.url), "utf8");
  for (const opening of ["SELECT * FROM like_event_decision(", "WITH no_flush_wait AS"]) {
    assert.ok(delivery.includes(opening), `server/delivery.ts sends a statement opening with ${opening}`);
  }
  assert.equal(statementOf("\n      SELECT * FROM like_event_decision($1, $2, $3::text[])"), "decision");
  assert.equal(statementOf("\n    WITH no_flush_wait AS (SELECT 1) UPDATE x"), "mark");
  assert.equal(statementOf("SELECT 1"), null);
  assert.equal(waitKindOf(null, null), "running");
  assert.equal(waitKindOf("IO", "WALSync"), "wal");
  assert.equal(waitKindOf("LWLock", "WALWrite"), "wal");
  assert.equal(waitKindOf("Lock", "tuple"), "lock");
  assert.equal(waitKindOf("Lock", "transactionid"), "lock");
  assert.equal(waitKindOf("Client", "ClientRead"), "other");
});

test("a like blocked on the row lock is sampled as waiting on a lock, for about as long as it waits", async () => {
  const holder = await pool.connect();
  try {
    await holder.query("BEGIN");
    await holder.query("UPDATE post SET n = n + 1 WHERE id = 1"); // holds the row lock
    const sampler = new PgWaitSampler(pool, url);
    // Opens with the like statement's words, so it is counted as the like.
    const blocked = pool.query(`WITH changed AS (SELECT 1) UPDATE post SET n = n + 1 WHERE id = 1`);
    await new Promise((r) => setTimeout(r, 400));
    await holder.query("COMMIT");
    await blocked;
    const waits = await sampler.stop(1);
    assert.ok(waits);
    assert.ok(waits.like.lock >= 200 && waits.like.lock <= 600, `lock wait ${waits.like.lock} ms of about 400`);
    assert.equal(waits.decision.lock + waits.mark.lock, 0, "nothing counted to the other statements");
  } finally {
    holder.release();
  }
});

test("this process's socket reads, writes and wake-ups are counted", async () => {
  const before = syscallCounts(process.pid);
  assert.ok(before);
  for (let i = 0; i < 20; i++) await pool.query("SELECT 1");
  const after = syscallCounts(process.pid)!;
  assert.ok(after.writes - before.writes >= 20, `${after.writes - before.writes} writes for 20 queries`);
  assert.ok(after.reads - before.reads >= 20, `${after.reads - before.reads} reads for 20 answers`);
  // A loopback answer can arrive before the loop waits for it; a timer always makes it sleep.
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 20));
  const slept = syscallCounts(process.pid)!;
  assert.ok(slept.wakeups - before.wakeups >= 3, `${slept.wakeups - before.wakeups} wake-ups for 3 timers`);
  assert.equal(syscallCounts(2 ** 22 + 12345), null, "no such process");
});
