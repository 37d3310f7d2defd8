// Deleting your own photo (DELETE /api/posts/:id, docs/decisions/030-deleting-posts-and-sweeping-uploads.md):
// the post, its likes and their notifications go in one transaction; every open tab of the owner
// is told to drop each notification, exactly once, by the worker; the photo's file goes unless
// another post shows the same bytes. Someone else's post is 403 and nothing changes.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ApiClient } from "../../tooling/api-client";
import { jpeg } from "../../tooling/test-images";
import {
  assertError,
  connectSocket,
  createUser,
  eventually,
  notifications,
  retractions,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";
import { openNotificationQueue, type NotificationQueue } from "../support/notification-queue";

let stack: TestStack;
let jobs: NotificationQueue;
before(async () => {
  stack = await startTestStack("delete-post", { env: { POST_RATE_LIMIT_PER_HOUR: "1000" } });
  jobs = openNotificationQueue(stack);
});
after(async () => {
  await jobs?.close();
  await stack?.stop();
});

// Each photo its own bytes (so its own file), unless a test posts the same one on purpose.
let photos = 0;
const nextPhoto = () => jpeg(100 + ++photos, 90);

async function postPhoto(
  client: ApiClient,
  photo: Buffer,
  caption = "a photo",
): Promise<{ id: string; imageUrl: string }> {
  const form = new FormData();
  form.set("photo", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "photo.jpg");
  form.set("caption", caption);
  const res = await client.postForm("/api/posts", form);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const fileOf = (imageUrl: string) => path.join(stack.env.UPLOADS_DIR!, path.basename(imageUrl));

async function person() {
  const user = await createUser(stack.db);
  return { user, client: await signedInClient(stack.url, user) };
}

async function likeAndWaitForNotification(liker: ApiClient, postId: string, ownerId: string, count: number) {
  assert.equal((await liker.put(`/api/posts/${postId}/like`)).status, 200);
  await eventually(`${count} notification rows`, async () => {
    const rows = await stack.db.notification.count({ where: { recipientId: ownerId, postId } });
    return rows === count || undefined;
  });
}

/** The post.deleted event the deletion wrote, once the worker has processed it. */
function processedDeletion(postId: string) {
  return eventually(
    "the post.deleted event processed",
    async () => {
      const [event] = await stack.db.outboxEvent.findMany({
        where: { type: "post.deleted", payload: { path: ["postId"], equals: postId } },
      });
      return event?.processedAt ? event : undefined;
    },
    30_000,
  );
}

describe("DELETE /api/posts/:id by its author", () => {
  test("the post, its likes and notifications go; each open tab of the owner drops each notification exactly once; the file goes", async () => {
    const bob = await person();
    const alice = await person();
    const carol = await person();
    const post = await postPhoto(bob.client, await nextPhoto(), "to be deleted");
    assert.ok(existsSync(fileOf(post.imageUrl)));

    // Two tabs of bob's, and alice's (a liker: she holds nothing to retract).
    const tab1 = await connectSocket(stack.url, bob.client);
    const tab2 = await connectSocket(stack.url, bob.client);
    const aliceTab = await connectSocket(stack.url, alice.client);
    try {
      await likeAndWaitForNotification(alice.client, post.id, bob.user.id, 1);
      await likeAndWaitForNotification(carol.client, post.id, bob.user.id, 2);
      const notificationIds = (
        await stack.db.notification.findMany({ where: { postId: post.id }, select: { id: true } })
      )
        .map((n) => n.id)
        .sort();
      for (const tab of [tab1, tab2])
        await eventually("both notifications shown", () => notifications(tab.received).length === 2);

      const res = await bob.client.delete(`/api/posts/${post.id}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { postId: post.id, deleted: true });

      // Gone, with what hung on it; the photo's file too, since no other post shows it.
      assert.equal(await stack.db.post.count({ where: { id: post.id } }), 0);
      assert.equal(await stack.db.like.count({ where: { postId: post.id } }), 0);
      assert.equal(await stack.db.notification.count({ where: { postId: post.id } }), 0);
      assert.equal(existsSync(fileOf(post.imageUrl)), false, "the photo's file is removed");
      assertError(await bob.client.get(`/api/posts/${post.id}`), 404, "not_found");

      // Each tab of the owner is told about each notification; once the event is processed, no
      // retry remains that could tell it again.
      for (const tab of [tab1, tab2]) await eventually("both retractions", () => retractions(tab.received).length >= 2);
      const event = await processedDeletion(post.id);
      assert.deepEqual(
        (event.payload as { retractions: { id: string }[] }).retractions.map((r) => r.id).sort(),
        notificationIds,
      );
      for (const tab of [tab1, tab2]) assert.deepEqual(retractions(tab.received).sort(), notificationIds);
      assert.deepEqual(retractions(aliceTab.received), [], "likers hold nothing to retract");

      // The inbox agrees, and the counts dropped.
      const inbox = await bob.client.get("/api/notifications");
      assert.deepEqual(inbox.body.items, []);
      assert.equal(inbox.body.unreadCount, 0);

      // A like on the deleted photo (a card still open somewhere) is the usual 404; a second delete too.
      assertError(await alice.client.put(`/api/posts/${post.id}/like`), 404, "not_found");
      assertError(await bob.client.delete(`/api/posts/${post.id}`), 404, "not_found");
    } finally {
      for (const tab of [tab1, tab2, aliceTab]) tab.socket.close();
    }
  });

  test("a retry of the event after a crash pushes only what an earlier attempt did not", async () => {
    const bob = await person();
    const alice = await person();
    const carol = await person();
    const post = await postPhoto(bob.client, await nextPhoto());
    const tab = await connectSocket(stack.url, bob.client);
    try {
      await likeAndWaitForNotification(alice.client, post.id, bob.user.id, 1);
      await likeAndWaitForNotification(carol.client, post.id, bob.user.id, 2);
      assert.equal((await bob.client.delete(`/api/posts/${post.id}`)).status, 200);
      const event = await processedDeletion(post.id);
      await eventually("both retractions", () => retractions(tab.received).length === 2);
      const [first, second] = (event.payload as { retractions: { id: string }[] }).retractions.map((r) => r.id);

      // A crash after both pushes, before the mark: the retry pushes nothing.
      assert.equal(await jobs.replayAfterCrash(event.id), "already_pushed");
      // A crash after the first push only (the second's record absent): the retry pushes the second.
      await jobs.redis.del(`${stack.env.REDIS_PREFIX}:pushed:${event.id}:${second}`);
      assert.equal(await jobs.replayAfterCrash(event.id), "retracted");
      await eventually("the second retraction again", () => retractions(tab.received).length === 3);
      assert.deepEqual(
        retractions(tab.received).filter((id) => id === first),
        [first],
        "the first is not pushed again",
      );
    } finally {
      tab.socket.close();
    }
  });

  test("the same photo posted twice: deleting one post keeps the file, deleting the other removes it", async () => {
    const bob = await person();
    const photo = await nextPhoto();
    const first = await postPhoto(bob.client, photo, "once");
    const second = await postPhoto(bob.client, photo, "twice");
    assert.equal(first.imageUrl, second.imageUrl);

    assert.equal((await bob.client.delete(`/api/posts/${first.id}`)).status, 200);
    assert.ok(existsSync(fileOf(second.imageUrl)), "still shown by the second post");
    const served = await bob.client.get(`/api/posts/${second.id}`);
    assert.equal(served.status, 200);

    assert.equal((await bob.client.delete(`/api/posts/${second.id}`)).status, 200);
    assert.equal(existsSync(fileOf(second.imageUrl)), false);
  });

  test("deletes racing posts of the same bytes never leave a post without its file", async () => {
    const bob = await person();
    const photo = await nextPhoto();
    let current = await postPhoto(bob.client, photo, "round 0");
    for (let round = 1; round <= 8; round++) {
      // The delete's removal and the new post's "is the file there" run at the same time.
      const [deleted, posted] = await Promise.all([
        bob.client.delete(`/api/posts/${current.id}`),
        postPhoto(bob.client, photo, `round ${round}`),
      ]);
      assert.equal(deleted.status, 200);
      current = posted;
      assert.ok(existsSync(fileOf(current.imageUrl)), `round ${round}: the new post's file is there`);
    }
  });

  test("a post showing a picture that is not an upload (the seed's) is deleted and nothing else is touched", async () => {
    const bob = await person();
    const post = await stack.db.post.create({
      data: { authorId: bob.user.id, caption: "seeded", imageUrl: "/seed/posts/alice-1.svg" },
      select: { id: true },
    });
    assert.equal((await bob.client.delete(`/api/posts/${post.id}`)).status, 200);
    assert.equal(await stack.db.post.count({ where: { id: post.id } }), 0);
  });
});

describe("DELETE /api/posts/:id refused", () => {
  test("someone else's post: 403 forbidden, and the post, its likes, notifications and file are untouched", async () => {
    const bob = await person();
    const mallory = await person();
    const post = await postPhoto(bob.client, await nextPhoto());
    await likeAndWaitForNotification(mallory.client, post.id, bob.user.id, 1);
    const tab = await connectSocket(stack.url, bob.client);
    try {
      assertError(await mallory.client.delete(`/api/posts/${post.id}`), 403, "forbidden");
      assert.equal(await stack.db.post.count({ where: { id: post.id } }), 1);
      assert.equal(await stack.db.like.count({ where: { postId: post.id } }), 1);
      assert.equal(await stack.db.notification.count({ where: { postId: post.id } }), 1);
      assert.equal(
        await stack.db.outboxEvent.count({
          where: { type: "post.deleted", payload: { path: ["postId"], equals: post.id } },
        }),
        0,
      );
      assert.ok(existsSync(fileOf(post.imageUrl)));
      assert.equal((await bob.client.get(`/api/posts/${post.id}`)).body.likeCount, 1);
      assert.deepEqual(retractions(tab.received), []);
    } finally {
      tab.socket.close();
    }
  });

  test("an unknown or malformed id is a 404 in the JSON shape; nobody signed in is a 401", async () => {
    const bob = await person();
    assertError(await bob.client.delete("/api/posts/cnotapostatall0000000000"), 404, "not_found");
    assertError(await bob.client.delete(`/api/posts/${encodeURIComponent("1' OR '1'='1")}`), 404, "not_found");
    assertError(await bob.client.delete(`/api/posts/${"a".repeat(200)}`), 404, "not_found");

    const post = await postPhoto(bob.client, await nextPhoto());
    assertError(await new ApiClient(stack.url).delete(`/api/posts/${post.id}`), 401, "unauthenticated");
    // From another site, even with bob's cookie: refused before anything is read.
    assertError(
      await bob.client.request("DELETE", `/api/posts/${post.id}`, undefined, { origin: "https://evil.example" }),
      403,
      "forbidden",
    );
    assert.equal(await stack.db.post.count({ where: { id: post.id } }), 1);
    assert.ok(existsSync(fileOf(post.imageUrl)));
  });
});
