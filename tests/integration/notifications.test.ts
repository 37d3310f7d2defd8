// A like's notification, end to end without a browser: route -> outbox -> BullMQ -> worker ->
// Notification row -> Socket.IO room of the owner, in every tab, and nobody else's.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { enqueueNotification, NOTIFICATIONS_QUEUE } from "../../server/queue";
import { ApiClient } from "../../tooling/api-client";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  retractions,
  signedInClient,
  startTestStack,
  type TestStack,
  type TestUser,
} from "../support/harness";

let stack: TestStack;
before(async () => {
  stack = await startTestStack("notify");
});
after(() => stack?.stop());

async function party() {
  const [alice, bob, carol] = [await createUser(stack.db), await createUser(stack.db), await createUser(stack.db)];
  const bobPost = await createPost(stack.db, bob.id, "bob's photo");
  const carolPost = await createPost(stack.db, carol.id, "carol's photo");
  const clients = {
    alice: await signedInClient(stack.url, alice),
    bob: await signedInClient(stack.url, bob),
    carol: await signedInClient(stack.url, carol),
  };
  return { alice, bob, carol, bobPost, carolPost, clients };
}

/** Like `postId` as `client` and wait until `tab` has received a notification for it. */
async function likeAndAwait(client: ApiClient, postId: string, tab: { received: any[] }) {
  const before = notifications(tab.received).length;
  assert.equal((await client.put(`/api/posts/${postId}/like`)).status, 200);
  return eventually(
    `notification for ${postId}`,
    () => notifications(tab.received).length > before && notifications(tab.received).at(-1),
  );
}

describe("realtime delivery", () => {
  test("a like reaches every tab of the owner, with the inbox item's shape, and no one else", async () => {
    const { alice, bob, bobPost, carolPost, clients } = await party();
    const bobTab1 = await connectSocket(stack.url, clients.bob);
    const bobTab2 = await connectSocket(stack.url, clients.bob);
    const aliceTab = await connectSocket(stack.url, clients.alice);
    const carolTab = await connectSocket(stack.url, clients.carol);
    try {
      await clients.alice.put(`/api/posts/${bobPost.id}/like`);
      const pushed = await eventually("bob tab 1 notified", () => notifications(bobTab1.received)[0]);
      await eventually("bob tab 2 notified", () => notifications(bobTab2.received)[0]);
      assert.deepEqual(notifications(bobTab2.received), [pushed]);

      // Same shape as the inbox item, and the row exists.
      const inbox = await clients.bob.get("/api/notifications");
      assert.deepEqual(inbox.body.items[0], pushed);
      assert.equal(inbox.body.unreadCount, 1);
      assert.deepEqual(Object.keys(pushed).sort(), ["actor", "createdAt", "id", "post", "readAt", "type"]);
      assert.equal(pushed.type, "like");
      assert.equal(pushed.actor.id, alice.id);
      assert.equal(pushed.post.id, bobPost.id);
      assert.equal(pushed.readAt, null);
      const row = await stack.db.notification.findUniqueOrThrow({ where: { id: pushed.id } });
      assert.equal(row.recipientId, bob.id);

      // A later notification to carol proves the pipeline has moved on; alice and carol never
      // received bob's.
      await likeAndAwait(clients.alice, carolPost.id, carolTab);
      assert.equal(notifications(carolTab.received).length, 1);
      assert.equal(notifications(carolTab.received)[0].post.id, carolPost.id);
      assert.equal(notifications(aliceTab.received).length, 0);
    } finally {
      for (const t of [bobTab1, bobTab2, aliceTab, carolTab]) t.socket.close();
    }
  });

  test("liking your own photo and unliking notify no one", async () => {
    const { bob, carol, bobPost, carolPost, clients } = await party();
    const bobTab = await connectSocket(stack.url, clients.bob);
    const carolTab = await connectSocket(stack.url, clients.carol);
    try {
      assert.equal((await clients.bob.put(`/api/posts/${bobPost.id}/like`)).status, 200);
      assert.equal((await clients.bob.delete(`/api/posts/${bobPost.id}/like`)).status, 200);
      await clients.alice.put(`/api/posts/${carolPost.id}/like`);
      await clients.alice.delete(`/api/posts/${carolPost.id}/like`);
      // Sentinel: a real notification to bob, sent after the others, arrives; nothing else did.
      const sentinel = await likeAndAwait(clients.carol, bobPost.id, bobTab);
      assert.deepEqual(notifications(bobTab.received), [sentinel]);
      // Alice's like and unlike of carol's photo: the worker decides from the state it finds
      // (ADR 014), so either it saw the like (one push, then its retraction) or it came after the
      // unlike (nothing at all). Which one depends on timing; both leave carol with nothing shown.
      const pushed = notifications(carolTab.received).map((n) => n.id);
      assert.ok(pushed.length <= 1, `at most alice's one like reached carol: ${pushed.length}`);
      await eventually("a pushed like is taken back", () => retractions(carolTab.received).length === pushed.length);
      assert.deepEqual(retractions(carolTab.received), pushed);
      assert.equal(await stack.db.notification.count({ where: { recipientId: carol.id } }), 0);
      assert.equal(await stack.db.notification.count({ where: { recipientId: bob.id } }), 1);
      assert.equal(await stack.db.outboxEvent.count({ where: { payload: { path: ["actorId"], equals: bob.id } } }), 0);
    } finally {
      bobTab.socket.close();
      carolTab.socket.close();
    }
  });

  test("like -> unlike -> like: the unlike takes the notification back, the like again notifies again", async () => {
    const { bobPost, clients } = await party();
    const bobTab = await connectSocket(stack.url, clients.bob);
    try {
      const first = await likeAndAwait(clients.alice, bobPost.id, bobTab);
      assert.equal((await clients.alice.delete(`/api/posts/${bobPost.id}/like`)).status, 200);
      await eventually("the retraction", () => retractions(bobTab.received).includes(first.id));
      assert.deepEqual((await clients.bob.get("/api/notifications")).body.items, []);
      const again = await likeAndAwait(clients.alice, bobPost.id, bobTab);
      assert.notEqual(again.id, first.id, "a new notification, not the old one back");
      const inbox = await clients.bob.get("/api/notifications");
      assert.deepEqual(
        inbox.body.items.map((n: { id: string }) => n.id),
        [again.id],
      );
      assert.equal(inbox.body.unreadCount, 1);
    } finally {
      bobTab.socket.close();
    }
  });

  test("enqueueing one event twice delivers it once", async () => {
    const { alice, bob, bobPost, clients } = await party();
    const bobTab = await connectSocket(stack.url, clients.bob);
    const connection = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix: `${stack.env.REDIS_PREFIX}:bull` });
    try {
      // A like and its outbox event written as the like route writes them, then enqueued twice
      // (as a relay pass racing the route would).
      const [, event] = await stack.db.$transaction([
        stack.db.like.create({ data: { userId: alice.id, postId: bobPost.id } }),
        stack.db.outboxEvent.create({
          data: { type: "like.created", payload: { postId: bobPost.id, actorId: alice.id, recipientId: bob.id } },
        }),
      ]);
      await Promise.all([enqueueNotification(event.id, queue), enqueueNotification(event.id, queue)]);
      await eventually("notification pushed", () => notifications(bobTab.received)[0]);
      await eventually(
        "event processed",
        async () => (await stack.db.outboxEvent.findUniqueOrThrow({ where: { id: event.id } })).processedAt,
      );
      // Enqueue again after processing: the job id is taken and the event processed, so nothing.
      await enqueueNotification(event.id, queue);
      const sentinel = await likeAndAwait(clients.carol, bobPost.id, bobTab);
      assert.equal(notifications(bobTab.received).length, 2);
      assert.equal(notifications(bobTab.received)[1].id, sentinel.id);
      assert.equal(await stack.db.notification.count({ where: { recipientId: bob.id } }), 2);
    } finally {
      bobTab.socket.close();
      await queue.close();
      connection.disconnect(); // BullMQ leaves a connection it was handed open
    }
  });

  test("a socket without a session is refused", async () => {
    await assert.rejects(connectSocket(stack.url, null), /unauthenticated/);
    const forged = new ApiClient(stack.url);
    forged.cookies.set("next-auth.session-token", "not-a-token");
    await assert.rejects(connectSocket(stack.url, forged), /unauthenticated/);
  });
});

describe("inbox", () => {
  test("lists newest first with actor and post, pages with a cursor, and marks read", async () => {
    const bob: TestUser = await createUser(stack.db);
    const post = await createPost(stack.db, bob.id);
    const asBob = await signedInClient(stack.url, bob);
    const likers = await Promise.all(Array.from({ length: 5 }, () => createUser(stack.db)));
    for (const liker of likers) await (await signedInClient(stack.url, liker)).put(`/api/posts/${post.id}/like`);
    await eventually("5 notifications", async () => (await asBob.get("/api/notifications")).body.unreadCount === 5);

    const page1 = await asBob.get("/api/notifications?limit=3");
    assert.equal(page1.body.items.length, 3);
    assert.equal(page1.body.unreadCount, 5);
    const page2 = await asBob.get(`/api/notifications?limit=3&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.items.length, 2);
    assert.equal(page2.body.nextCursor, null);
    const all = [...page1.body.items, ...page2.body.items];
    assert.deepEqual(new Set(all.map((n: any) => n.actor.id)), new Set(likers.map((l) => l.id)));
    const times = all.map((n: any) => Date.parse(n.createdAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );

    // Marking someone else's ids does nothing; marking two of one's own leaves three.
    const stranger = await signedInClient(stack.url, await createUser(stack.db));
    assert.deepEqual((await stranger.post("/api/notifications/read", { ids: all.map((n: any) => n.id) })).body, {
      unreadCount: 0,
      unseenCount: 0,
    });
    assert.equal((await asBob.get("/api/notifications")).body.unreadCount, 5);
    assert.deepEqual((await asBob.post("/api/notifications/read", { ids: [all[0].id, all[1].id] })).body, {
      unreadCount: 3,
      unseenCount: 3,
    });
    const after = await asBob.get("/api/notifications");
    assert.ok(after.body.items.find((n: any) => n.id === all[0].id).readAt);
    assert.deepEqual((await asBob.post("/api/notifications/read", { all: true })).body, {
      unreadCount: 0,
      unseenCount: 0,
    });
  });

  test("opening the inbox clears the bell (unseen) while every item stays unread until opened", async () => {
    const bob = await createUser(stack.db);
    const posts = [await createPost(stack.db, bob.id), await createPost(stack.db, bob.id)];
    const asBob = await signedInClient(stack.url, bob);
    const [alice, carol] = [
      await signedInClient(stack.url, await createUser(stack.db)),
      await signedInClient(stack.url, await createUser(stack.db)),
    ];
    const counts = async () => {
      const inbox = (await asBob.get("/api/notifications")).body;
      return [inbox.unreadCount, inbox.unseenCount];
    };

    await alice.put(`/api/posts/${posts[0]!.id}/like`);
    await eventually("first arrives", async () => (await counts())[0] === 1);
    assert.deepEqual(await counts(), [1, 1]);
    assert.deepEqual((await asBob.post("/api/notifications/seen")).body, { unreadCount: 1, unseenCount: 0 });
    assert.deepEqual(await counts(), [1, 0], "seen, not read");

    await carol.put(`/api/posts/${posts[1]!.id}/like`);
    await eventually("second arrives", async () => (await counts())[0] === 2);
    assert.deepEqual(await counts(), [2, 1], "only the new one is unseen");

    // Opening one item reads it: it leaves both counts.
    const newest = (await asBob.get("/api/notifications")).body.items[0];
    assert.deepEqual((await asBob.post("/api/notifications/read", { ids: [newest.id] })).body, {
      unreadCount: 1,
      unseenCount: 0,
    });
    // Seen is the caller's own: a stranger's call changes nothing of bob's.
    const stranger = await signedInClient(stack.url, await createUser(stack.db));
    assert.deepEqual((await stranger.post("/api/notifications/seen")).body, { unreadCount: 0, unseenCount: 0 });
    assert.deepEqual(await counts(), [1, 0]);
    assert.equal((await new ApiClient(stack.url).post("/api/notifications/seen")).status, 401);
    assert.equal((await asBob.get("/api/notifications/seen")).status, 405);
  });
});
