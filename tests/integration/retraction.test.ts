// Notifications follow likes (docs/decisions/014-notifications-follow-likes.md): an unlike takes
// the owner's notification back, live; a like again notifies again; and however the jobs are
// ordered, duplicated or interrupted, the inbox ends up true: exactly one notification while the
// like exists, none while it does not.
//
// This stack has no toast cooldown, so every arrival asks for a toast; the cooldown has its own
// file (toast-cooldown.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiClient } from "../../tooling/api-client";
import {
  connectSocket,
  createPost,
  createUser,
  eventually,
  notifications,
  retractions,
  shownIds,
  signedInClient,
  startTestStack,
  toasted,
  type TestStack,
} from "../support/harness";
import { openNotificationQueue, type NotificationQueue } from "../support/notification-queue";

let stack: TestStack;
let jobs: NotificationQueue;
before(async () => {
  stack = await startTestStack("retraction", { env: { NOTIFICATION_TOAST_COOLDOWN_MS: "0" } });
  jobs = openNotificationQueue(stack);
});
after(async () => {
  await jobs?.close();
  await stack?.stop();
});

async function scene() {
  const [alice, bob] = [await createUser(stack.db), await createUser(stack.db)];
  const post = await createPost(stack.db, bob.id, "bob's photo");
  return {
    alice,
    bob,
    post,
    asAlice: await signedInClient(stack.url, alice),
    asBob: await signedInClient(stack.url, bob),
  };
}

const like = async (client: ApiClient, postId: string) =>
  assert.equal((await client.put(`/api/posts/${postId}/like`)).status, 200);
const unlike = async (client: ApiClient, postId: string) =>
  assert.equal((await client.delete(`/api/posts/${postId}/like`)).status, 200);

/** The outbox events of one (actor, post), oldest first. */
function eventsOf(actorId: string, postId: string) {
  return stack.db.outboxEvent.findMany({
    where: {
      AND: [{ payload: { path: ["actorId"], equals: actorId } }, { payload: { path: ["postId"], equals: postId } }],
    },
    orderBy: { createdAt: "asc" },
  });
}

/**
 * Replays an event as two crashes would. One after the push, before the event was marked
 * processed: the retry finds the push recorded in Redis (emitOnce, server/push.ts) and
 * does not push again. One after the transaction, before the push (no record of it): the retry
 * pushes the same decision again (`result`), and creates nothing.
 */
async function replayAroundThePush(eventId: string, result: "pushed" | "retracted") {
  assert.equal(await jobs.replayAfterCrash(eventId), "already_pushed");
  await jobs.redis.del(`${stack.env.REDIS_PREFIX}:pushed:${eventId}`);
  assert.equal(await jobs.replayAfterCrash(eventId), result);
}

/** Stops the stack's worker (SIGTERM, or SIGKILL for a crash); returns the function that starts another. */
async function stopWorker(signal: NodeJS.Signals = "SIGTERM"): Promise<(name: string) => Promise<unknown>> {
  const worker = stack.workers[0]!;
  await worker.stop(signal);
  stack.workers.splice(stack.workers.indexOf(worker), 1);
  return (name) => stack.startWorker(name);
}

async function allProcessed(actorId: string, postId: string, count: number) {
  return eventually(
    `${count} events processed`,
    async () => {
      const events = await eventsOf(actorId, postId);
      return events.length === count && events.every((e) => e.processedAt) && events;
    },
    30_000,
  );
}

function notificationRows(recipientId: string) {
  return stack.db.notification.findMany({ where: { recipientId }, select: { id: true, actorId: true, postId: true } });
}

describe("an unlike retracts", () => {
  test("every tab of the owner is told, the inbox and both counts drop, no toast; nobody else hears it", async () => {
    const { alice, post, asAlice, asBob } = await scene();
    const [tab1, tab2] = [await connectSocket(stack.url, asBob), await connectSocket(stack.url, asBob)];
    const aliceTab = await connectSocket(stack.url, asAlice);
    try {
      await like(asAlice, post.id);
      const pushed = await eventually("the notification", () => notifications(tab1.received)[0]);
      assert.deepEqual(toasted(tab1.received), [pushed.id], "an arrival asks for a toast");
      const before = await asBob.get("/api/notifications");
      assert.deepEqual([before.body.unreadCount, before.body.unseenCount], [1, 1]);

      await unlike(asAlice, post.id);
      for (const tab of [tab1, tab2])
        await eventually("the retraction in each tab", () => retractions(tab.received).includes(pushed.id));
      const afterUnlike = await asBob.get("/api/notifications");
      assert.deepEqual(afterUnlike.body.items, []);
      assert.deepEqual([afterUnlike.body.unreadCount, afterUnlike.body.unseenCount], [0, 0]);
      assert.equal(notifications(tab1.received).length, 1, "a retraction is not a new notification");
      assert.equal(await stack.db.notification.count({ where: { actorId: alice.id } }), 0);
      assert.deepEqual(
        aliceTab.received.filter((r) => r.event.startsWith("notification")),
        [],
      );
    } finally {
      for (const t of [tab1, tab2, aliceTab]) t.socket.close();
    }
  });

  test("a like again after the unlike notifies again, with a new id and a toast", async () => {
    const { post, asAlice, asBob } = await scene();
    const tab = await connectSocket(stack.url, asBob);
    try {
      await like(asAlice, post.id);
      const first = await eventually("first", () => notifications(tab.received)[0]);
      await unlike(asAlice, post.id);
      await eventually("retraction", () => retractions(tab.received).includes(first.id));
      await like(asAlice, post.id);
      const second = await eventually("second", () => notifications(tab.received)[1]);
      assert.notEqual(second.id, first.id);
      assert.deepEqual(toasted(tab.received), [first.id, second.id]);
      assert.deepEqual(shownIds(tab.received), new Set([second.id]));
    } finally {
      tab.socket.close();
    }
  });
});

describe("order, duplicates and crashes never make the inbox lie", () => {
  test("a like's job processed after its unlike's creates nothing", async () => {
    const { alice, bob, post, asAlice, asBob } = await scene();
    const tab = await connectSocket(stack.url, asBob);
    const startWorker = await stopWorker();
    try {
      await like(asAlice, post.id);
      await unlike(asAlice, post.id);
      const [likeEvent, unlikeEvent] = await eventsOf(alice.id, post.id);
      assert.deepEqual([likeEvent?.type, unlikeEvent?.type], ["like.created", "like.removed"]);
      // Take the like's job out: the worker sees the unlike first, and the outbox relay brings
      // the like back afterwards (it re-enqueues unprocessed events after a grace period).
      assert.equal(await jobs.queue.remove(likeEvent!.id), 1);
      await startWorker("worker-after-unlike");
      const events = await allProcessed(alice.id, post.id, 2);
      assert.deepEqual(
        events.map((e) => e.outcome),
        [{}, {}],
        "neither event changed the inbox",
      );
      assert.ok(events[0]!.processedAt! > events[1]!.processedAt!, "the like was processed last");
      assert.deepEqual(await notificationRows(bob.id), []);
      assert.deepEqual(notifications(tab.received), []);
      assert.deepEqual(retractions(tab.received), []);
    } finally {
      tab.socket.close();
    }
  });

  test("an unlike's job processed after a newer like's keeps the current notification", async () => {
    const { alice, bob, post, asAlice, asBob } = await scene();
    const tab = await connectSocket(stack.url, asBob);
    const startWorker = await stopWorker();
    try {
      await like(asAlice, post.id);
      await unlike(asAlice, post.id);
      await like(asAlice, post.id);
      const [, unlikeEvent] = await eventsOf(alice.id, post.id);
      assert.equal(await jobs.queue.remove(unlikeEvent!.id), 1);
      await startWorker("worker-after-like");
      const events = await allProcessed(alice.id, post.id, 3);
      const rows = await notificationRows(bob.id);
      assert.equal(rows.length, 1, "the like exists, so exactly one notification");
      assert.equal(events[1]!.type, "like.removed");
      assert.deepEqual(events[1]!.outcome, {}, "the late unlike changed nothing");
      await eventually("the push", () => notifications(tab.received).length === 1);
      assert.deepEqual(
        notifications(tab.received).map((n) => n.id),
        [rows[0]!.id],
      );
      assert.deepEqual(retractions(tab.received), []);
    } finally {
      tab.socket.close();
    }
  });

  test("duplicate jobs, and a replay after a crash before the push, deliver the same decision again", async () => {
    const { alice, bob, post, asAlice, asBob } = await scene();
    const tab = await connectSocket(stack.url, asBob);
    try {
      await like(asAlice, post.id);
      const [likeEvent] = await allProcessed(alice.id, post.id, 1);
      const pushed = await eventually("pushed", () => notifications(tab.received)[0]);
      assert.deepEqual(likeEvent!.outcome, { created: pushed.id });

      // A second job for a processed event: skipped.
      const duplicate = await jobs.queue.add("notify", { eventId: likeEvent!.id }, { jobId: `${likeEvent!.id}-dup` });
      await eventually(
        "duplicate done",
        async () => (await jobs.queue.getJob(duplicate.id!))?.returnvalue === "already_processed",
      );
      await replayAroundThePush(likeEvent!.id, "pushed");
      // The job is done once it has published; the socket hears it a moment later.
      await eventually("the replayed push", () => notifications(tab.received).length === 2);
      assert.deepEqual(
        notifications(tab.received).map((n) => n.id),
        [pushed.id, pushed.id],
        "only the unrecorded replay pushed",
      );
      assert.equal((await notificationRows(bob.id)).length, 1);

      // The same for a retraction.
      await unlike(asAlice, post.id);
      const [, unlikeEvent] = await allProcessed(alice.id, post.id, 2);
      assert.deepEqual(unlikeEvent!.outcome, { retracted: pushed.id });
      await eventually("the retraction", () => retractions(tab.received).length === 1);
      await replayAroundThePush(unlikeEvent!.id, "retracted");
      await eventually("the replayed retraction", () => retractions(tab.received).length === 2);
      assert.deepEqual(retractions(tab.received), [pushed.id, pushed.id]);
      assert.deepEqual(shownIds(tab.received), new Set());
      assert.deepEqual(await notificationRows(bob.id), []);
    } finally {
      tab.socket.close();
    }
  });

  test("the worker dies between the like and the unlike: the next one retracts", async () => {
    const { alice, bob, post, asAlice, asBob } = await scene();
    const tab = await connectSocket(stack.url, asBob);
    try {
      await like(asAlice, post.id);
      const pushed = await eventually("pushed", () => notifications(tab.received)[0]);
      // The like's job is finished (pushed, then marked processed) before the worker dies; a kill
      // between the two would leave it to BullMQ's stalled-job check, 30 s later.
      await allProcessed(alice.id, post.id, 1);
      const startWorker = await stopWorker("SIGKILL");
      await unlike(asAlice, post.id);
      assert.deepEqual(retractions(tab.received), [], "no worker, no retraction yet");
      await startWorker("worker-restarted");
      await eventually("retraction after the restart", () => retractions(tab.received).includes(pushed.id), 30_000);
      await allProcessed(alice.id, post.id, 2);
      assert.deepEqual(await notificationRows(bob.id), []);
      const inbox = await asBob.get("/api/notifications");
      assert.deepEqual([inbox.body.items.length, inbox.body.unreadCount, inbox.body.unseenCount], [0, 0, 0]);
    } finally {
      tab.socket.close();
    }
  });

  test("two workers racing on one like's events never leave the inbox out of step", async () => {
    const { alice, bob, post, asAlice, asBob } = await scene();
    const tab = await connectSocket(stack.url, asBob);
    await stack.startWorker("worker-racer"); // two workers, each taking jobs concurrently
    try {
      // 30 toggles sent at once per round: the API serializes them on the Like row; the events
      // reach both workers in any order.
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 ? unlike(asAlice, post.id) : like(asAlice, post.id))),
        );
      }
      const liked = (await stack.db.like.count({ where: { userId: alice.id, postId: post.id } })) === 1;
      const events = await eventsOf(alice.id, post.id);
      await allProcessed(alice.id, post.id, events.length);
      const rows = await notificationRows(bob.id);
      assert.equal(
        rows.length,
        liked ? 1 : 0,
        `the like ${liked ? "exists" : "does not"}: ${rows.length} notification(s)`,
      );
      // The tab, applying pushes and retractions in arrival order with the UI's rules, ends with the inbox.
      await eventually(
        "the tab settles on the inbox",
        () => {
          const shown = shownIds(tab.received);
          return shown.size === rows.length && rows.every((r) => shown.has(r.id));
        },
        30_000,
      );
    } finally {
      tab.socket.close();
    }
  });
});
