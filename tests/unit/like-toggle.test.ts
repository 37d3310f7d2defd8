// The optimistic toggle's rules, with a controllable fake server (a deferred promise per request).
import assert from "node:assert/strict";
import { test } from "node:test";
import { LikeToggleQueue, type LikeState } from "../../app/lib/like-toggle";

type Pending = { target: boolean; resolve: (s: LikeState) => void; reject: (e: Error) => void };

function harness(initial: LikeState) {
  const requests: Pending[] = [];
  let serverLiked = initial.liked;
  let serverCount = initial.likeCount;
  const queue = new LikeToggleQueue(
    initial,
    (target) =>
      new Promise<LikeState>((resolve, reject) => {
        requests.push({ target, resolve, reject });
      }),
    (e) => `failed: ${(e as Error).message}`,
  );
  /** Answers the oldest open request as a real server would. */
  const answer = async () => {
    const req = requests.shift();
    assert.ok(req, "no request in flight");
    if (req.target !== serverLiked) serverCount += req.target ? 1 : -1;
    serverLiked = req.target;
    req.resolve({ liked: serverLiked, likeCount: serverCount });
    await new Promise((r) => setImmediate(r));
  };
  const fail = async () => {
    requests.shift()!.reject(new Error("boom"));
    await new Promise((r) => setImmediate(r));
  };
  return { queue, requests, answer, fail, server: () => ({ liked: serverLiked, likeCount: serverCount }) };
}

test("a click shows the new state before the server answers", () => {
  const { queue, requests } = harness({ liked: false, likeCount: 4 });
  queue.toggle();
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 5, pending: true, error: null });
  assert.equal(requests.length, 1);
});

test("rapid clicks keep one request in flight and settle on the server's state", async () => {
  const { queue, requests, answer, server } = harness({ liked: false, likeCount: 0 });
  for (let i = 0; i < 7; i++) queue.toggle(); // odd number: the user wants "liked"
  assert.equal(requests.length, 1);
  assert.equal(queue.getSnapshot().liked, true);
  await answer();
  assert.equal(requests.length, 0, "desired already equals the confirmed state: no second request");
  assert.deepEqual(queue.getSnapshot(), { ...server(), pending: false, error: null });
});

test("clicks during a request cause exactly one follow-up request", async () => {
  const { queue, requests, answer, server } = harness({ liked: false, likeCount: 2 });
  queue.toggle(); // like
  queue.toggle(); // unlike
  queue.toggle(); // like
  queue.toggle(); // unlike: the user ends wanting "not liked"
  assert.equal(requests.length, 1);
  await answer(); // server says liked
  assert.equal(requests.length, 1, "one follow-up to unlike");
  assert.equal(requests[0]!.target, false);
  await answer();
  assert.equal(requests.length, 0);
  assert.deepEqual(queue.getSnapshot(), { liked: false, likeCount: 2, pending: false, error: null });
  assert.deepEqual(server(), { liked: false, likeCount: 2 });
});

test("a failure rolls back to the confirmed state and keeps the reason until a success", async () => {
  const { queue, fail, answer } = harness({ liked: false, likeCount: 9 });
  queue.toggle();
  await fail();
  assert.deepEqual(queue.getSnapshot(), { liked: false, likeCount: 9, pending: false, error: "failed: boom" });
  queue.toggle();
  assert.equal(queue.getSnapshot().error, "failed: boom");
  await answer();
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 10, pending: false, error: null });
});

test("the count follows the server, not local arithmetic, once confirmed", async () => {
  const { queue, requests } = harness({ liked: false, likeCount: 3 });
  queue.toggle();
  // Someone else liked meanwhile: the server's count is authoritative.
  requests.shift()!.resolve({ liked: true, likeCount: 7 });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 7, pending: false, error: null });
});

test("subscribers hear every change", async () => {
  const { queue, answer } = harness({ liked: true, likeCount: 1 });
  let calls = 0;
  const unsubscribe = queue.subscribe(() => calls++);
  queue.toggle();
  await answer();
  assert.ok(calls >= 2);
  unsubscribe();
  const before = calls;
  queue.toggle();
  assert.equal(calls, before);
});

test("reconcile takes a server state learned elsewhere while idle, and ignores it mid-request", async () => {
  const { queue, requests, answer } = harness({ liked: false, likeCount: 0 });
  queue.reconcile({ liked: false, likeCount: 3 }); // three others liked it
  assert.deepEqual(queue.getSnapshot(), { liked: false, likeCount: 3, pending: false, error: null });

  queue.toggle();
  queue.reconcile({ liked: false, likeCount: 99 }); // stale: a request is in flight
  assert.equal(queue.getSnapshot().likeCount, 4);
  assert.equal(requests.length, 1);
  await answer();
  assert.equal(queue.getSnapshot().liked, true);
});

test("like() (a double tap) likes, never unlikes, and shares the queue with the heart", async () => {
  const { queue, requests, answer, server } = harness({ liked: false, likeCount: 2 });
  queue.like();
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 3, pending: true, error: null });
  queue.like(); // already liked: nothing changes, nothing more is sent
  assert.equal(queue.getSnapshot().liked, true);
  assert.equal(requests.length, 1);
  queue.toggle(); // the heart, mid-request: unlike
  queue.like(); // and a double tap again: liked, so the in-flight like is all it takes
  assert.equal(requests.length, 1);
  await answer();
  assert.equal(requests.length, 0, "desired equals confirmed: no follow-up");
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 3, pending: false, error: null });
  queue.like();
  assert.equal(requests.length, 0, "a double tap on a liked post sends nothing");
  assert.deepEqual(server(), { liked: true, likeCount: 3 });
});

test("reconcileCount takes a pushed count and keeps the viewer's own like state; ignored mid-request", async () => {
  const { queue, requests, answer } = harness({ liked: true, likeCount: 1 });
  queue.reconcileCount(5); // four others liked it
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 5, pending: false, error: null });

  queue.toggle(); // unlike, in flight
  queue.reconcileCount(42);
  assert.equal(queue.getSnapshot().likeCount, 4, "the optimistic count stands while a request runs");
  assert.equal(requests.length, 1);
  await answer();
  assert.deepEqual(queue.getSnapshot(), { liked: false, likeCount: 0, pending: false, error: null });
});

test("each request is told the time of the latest click before it was sent", async () => {
  let now = 100;
  const sent: { target: boolean; clickedAt: number; resolve: (s: LikeState) => void }[] = [];
  const queue = new LikeToggleQueue(
    { liked: false, likeCount: 0 },
    (target, { clickedAt }) => new Promise<LikeState>((resolve) => sent.push({ target, clickedAt, resolve })),
    String,
    () => now,
  );
  queue.toggle(); // at 100: sent at once
  assert.deepEqual(
    sent.map(({ target, clickedAt }) => ({ target, clickedAt })),
    [{ target: true, clickedAt: 100 }],
  );
  now = 150;
  queue.toggle(); // unlike, while the like is in flight
  now = 170;
  queue.toggle(); // like
  now = 190;
  queue.toggle(); // unlike: the follow-up request comes from this click
  sent.shift()!.resolve({ liked: true, likeCount: 1 });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    sent.map(({ target, clickedAt }) => ({ target, clickedAt })),
    [{ target: false, clickedAt: 190 }],
  );
  now = 300;
  sent.shift()!.resolve({ liked: false, likeCount: 0 });
  await new Promise((r) => setImmediate(r));
  queue.like(); // a double tap counts as a click too
  assert.equal(sent[0]!.clickedAt, 300);
});

test("the reason is told which change failed: a like or an unlike", async () => {
  const seen: boolean[] = [];
  let reject!: (e: Error) => void;
  const queue = new LikeToggleQueue(
    { liked: true, likeCount: 1 },
    () => new Promise<LikeState>((_, r) => (reject = r)),
    (_e, liked) => {
      seen.push(liked);
      return liked ? "like lost" : "unlike lost";
    },
  );
  queue.toggle(); // unlike
  reject(new Error("offline"));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, [false]);
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 1, pending: false, error: "unlike lost" });
});

test("a later failure replaces the reason, and the next success clears it", async () => {
  const { queue, fail, answer } = harness({ liked: false, likeCount: 0 });
  queue.toggle();
  await fail();
  assert.equal(queue.getSnapshot().error, "failed: boom");
  queue.toggle();
  await fail();
  assert.equal(queue.getSnapshot().error, "failed: boom", "still one message, not two");
  queue.toggle();
  assert.equal(queue.getSnapshot().error, "failed: boom", "a retry in flight keeps the reason on screen");
  await answer();
  assert.deepEqual(queue.getSnapshot(), { liked: true, likeCount: 1, pending: false, error: null });
});
