// Nothing lost, nothing doubled, when the parts fail: Redis stops mid-stream, the worker dies,
// the app dies between commit and enqueue.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  shownIds,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("resilience");
});
after(() => stack?.stop());

async function scene(posts: number) {
  const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
  const bobPosts = [];
  for (let i = 0; i < posts; i++) bobPosts.push(await createPost(stack.db, bob.id, `photo ${i}`));
  return {
    alice,
    bob,
    bobPosts,
    asAlice: await signedInClient(stack.url, alice),
    asBob: await signedInClient(stack.url, bob),
  };
}

function unprocessedEvents() {
  return stack.db.outboxEvent.count({ where: { processedAt: null } });
}

/** Waits until `count` Notification rows exist for the recipient, and returns them. */
function rowsFor(recipientId: string, count: number) {
  return eventually(
    `${count} notification rows`,
    async () => {
      const rows = await stack.db.notification.findMany({ where: { recipientId } });
      return rows.length === count && rows;
    },
    30_000,
  );
}

/** Waits until the tab received `count` pushes, then checks they are exactly the rows, once each. */
async function assertPushedOnce(tab: { received: Parameters<typeof notifications>[0] }, rows: { id: string }[]) {
  await eventually(`${rows.length} pushes`, () => notifications(tab.received).length >= rows.length, 30_000);
  assert.deepEqual(new Set(notifications(tab.received).map((n) => n.id)), new Set(rows.map((r) => r.id)));
  assert.equal(notifications(tab.received).length, rows.length);
}

test("Redis stops mid-stream and comes back: every like still notifies, once", async () => {
  const { bob, bobPosts, asAlice, asBob } = await scene(9);
  const bobTab = await connectSocket(stack.url, asBob);
  try {
    for (const p of bobPosts.slice(0, 3)) assert.equal((await asAlice.put(`/api/posts/${p.id}/like`)).status, 200);
    await eventually("first three pushed", () => notifications(bobTab.received).length === 3);
    // The worker pushes first and marks the event processed after (so a failed mark means a retry,
    // which finds the push recorded and does not repeat it, never a lost one): wait for the marks too.
    await eventually("first three marked processed", async () => (await unprocessedEvents()) === 0);

    await stack.redis.stop();
    // Likes keep working while Redis is down: they commit, and their events wait in the outbox.
    for (const p of bobPosts.slice(3, 6)) {
      const res = await asAlice.put(`/api/posts/${p.id}/like`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.liked, true);
    }
    assert.equal(await unprocessedEvents(), 3);
    // Health names the failing dependency.
    const health = await asBob.get("/api/health");
    assert.equal(health.status, 503);
    assert.equal(health.body.status, "fail");
    assert.equal(health.body.error.code, "unavailable");
    assert.equal(health.body.checks.db.status, "ok");
    assert.equal(health.body.checks.redis.status, "fail");
    assert.match(health.body.error.message, /^Failing: .*redis/);

    await stack.redis.start(); // same port, empty: the queue's jobs are gone, the outbox is not
    for (const p of bobPosts.slice(6, 9)) assert.equal((await asAlice.put(`/api/posts/${p.id}/like`)).status, 200);

    const rows = await rowsFor(bob.id, 9);
    const expected = new Set(rows.map((r) => r.id));
    await eventually(
      "bob's tab has shown all 9",
      () => [...expected].every((id) => shownIds(bobTab.received).has(id)),
      30_000,
    );
    assert.deepEqual(shownIds(bobTab.received), expected);
    const pushed = notifications(bobTab.received).map((n) => n.id);
    assert.equal(new Set(pushed).size, pushed.length, `a push arrived twice: ${pushed}`);
    await eventually("the outbox drained", async () => (await unprocessedEvents()) === 0, 30_000);
  } finally {
    bobTab.socket.close();
  }
});

test("the worker is killed (SIGKILL); jobs wait in the queue and a new worker delivers each once", async () => {
  const { bob, bobPosts, asAlice, asBob } = await scene(6);
  const bobTab = await connectSocket(stack.url, asBob);
  try {
    const [worker] = stack.workers.splice(0, 1);
    await worker!.stop("SIGKILL");
    for (const p of bobPosts) assert.equal((await asAlice.put(`/api/posts/${p.id}/like`)).status, 200);
    assert.equal(notifications(bobTab.received).length, 0);

    await stack.startWorker("worker-replacement");
    const rows = await rowsFor(bob.id, 6);
    await assertPushedOnce(bobTab, rows);
  } finally {
    bobTab.socket.close();
  }
});

test("an event committed but never enqueued (app died after commit) is relayed and delivered", async () => {
  const { alice, bob, bobPosts, asBob } = await scene(1);
  const bobTab = await connectSocket(stack.url, asBob);
  try {
    // Exactly what the like route's statement writes, without the enqueue that follows it.
    await stack.db.$transaction([
      stack.db.like.create({ data: { userId: alice.id, postId: bobPosts[0]!.id } }),
      stack.db.post.update({ where: { id: bobPosts[0]!.id }, data: { likeCount: { increment: 1 } } }),
      stack.db.outboxEvent.create({
        data: { type: "like.created", payload: { postId: bobPosts[0]!.id, actorId: alice.id, recipientId: bob.id } },
      }),
    ]);
    const pushed = await eventually("relayed notification pushed", () => notifications(bobTab.received)[0], 30_000);
    assert.equal(pushed.actor.id, alice.id);
    assert.equal(pushed.post.id, bobPosts[0]!.id);
    assert.equal(await stack.db.notification.count({ where: { recipientId: bob.id } }), 1);
  } finally {
    bobTab.socket.close();
  }
});

test("a delivered event whose processed mark was lost (Postgres died before flushing it) is marked by the relay, not pushed again", async () => {
  const { bob, bobPosts, asAlice, asBob } = await scene(1);
  const bobTab = await connectSocket(stack.url, asBob);
  try {
    assert.equal((await asAlice.put(`/api/posts/${bobPosts[0]!.id}/like`)).status, 200);
    await eventually("the like pushed", () => notifications(bobTab.received).length === 1);
    const event = await eventually("the event marked processed", async () => {
      const found = await stack.db.outboxEvent.findFirst({
        where: { payload: { path: ["recipientId"], equals: bob.id } },
      });
      return found?.processedAt ? found : undefined;
    });
    // What a crash of Postgres within the mark's unflushed window leaves: the job completed in
    // Redis, the event pending in the outbox.
    await stack.db.outboxEvent.update({ where: { id: event.id }, data: { processedAt: null } });
    await eventually("the relay marked it again", async () => (await unprocessedEvents()) === 0, 30_000);
    assert.equal(notifications(bobTab.received).length, 1, "pushed once");
    assert.equal(await stack.db.notification.count({ where: { recipientId: bob.id } }), 1);
  } finally {
    bobTab.socket.close();
  }
});

test("SIGTERM mid-stream: the worker finishes the jobs in hand and exits 0; the next one delivers the rest, each once", async () => {
  const { bob, bobPosts, asAlice, asBob } = await scene(8);
  const bobTab = await connectSocket(stack.url, asBob);
  try {
    await Promise.all(bobPosts.map((p) => asAlice.put(`/api/posts/${p.id}/like`)));
    const [worker] = stack.workers.splice(0, 1);
    assert.equal(await worker!.stop("SIGTERM"), 0, worker!.lines.slice(-10).join("\n"));
    await stack.startWorker("worker-after-sigterm");
    const rows = await rowsFor(bob.id, 8);
    await assertPushedOnce(bobTab, rows);
  } finally {
    bobTab.socket.close();
  }
});
