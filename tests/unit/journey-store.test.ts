// app/lib/journey/store.ts: a like's hops arrive in pieces, in any order; the store merges them by
// trace id and keeps the last ten journeys.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JourneyStore, MAX_JOURNEYS, mergeHops } from "../../app/lib/journey/store";

const trace = (n: number) => n.toString(16).padStart(32, "0");

function clockedStore() {
  let now = 1_000;
  const store = new JourneyStore(() => (now += 1));
  return store;
}

const answered = (traceId: string, hops = {}) => ({
  answeredTraceId: traceId,
  hops,
  roundTripMs: 20,
  appMs: 9,
  wroteEvent: true,
});

test("a measured figure wins; a null only fills a gap", () => {
  assert.deepEqual(mergeHops({ click: 3, nginx: null }, { click: 4, nginx: 0.5, route: null }), {
    click: 4,
    nginx: 0.5,
    route: null,
  });
  assert.deepEqual(mergeHops({ postgres: 3 }, { postgres: null }), { postgres: 3 });
  assert.deepEqual(mergeHops({}, { queue: undefined }), {});
});

test("liker side: click, answer, worker's hops, then the owner's two, all on one journey", () => {
  const store = clockedStore();
  const id = trace(1);
  store.likeSent({ traceId: id, postId: "p1", liked: true, counterpart: "bob", clickMs: 4.3 });
  assert.deepEqual(store.getSnapshot()[0]!.request, { state: "sending" });
  store.likeAnswered(id, answered(id, { click: 4.3, nginx: 0.3, route: 1, session: 2, postgres: 3 }));
  store.hopsArrived({ traceId: id, postId: "p1", liked: true, hops: { click: 4, outbox: 1, queue: 2, worker: 5 } });
  store.hopsArrived({ traceId: id, postId: "p1", liked: true, hops: { socket: 6, render: 7 } });
  const [journey, ...rest] = store.getSnapshot();
  assert.equal(rest.length, 0);
  assert.equal(journey!.side, "liker");
  assert.equal(journey!.counterpart, "bob");
  // The worker's copy of the click is in whole ms; this tab's own, finer figure stays.
  assert.deepEqual(journey!.hops, {
    click: 4.3,
    nginx: 0.3,
    route: 1,
    session: 2,
    postgres: 3,
    outbox: 1,
    queue: 2,
    worker: 5,
    socket: 6,
    render: 7,
  });
  assert.deepEqual(journey!.request, { state: "answered", roundTripMs: 20, appMs: 9, wroteEvent: true });
});

test("the worker's event may overtake the HTTP answer", () => {
  const store = clockedStore();
  const id = trace(2);
  store.likeSent({ traceId: id, postId: "p1", liked: true, counterpart: "bob", clickMs: 4 });
  store.hopsArrived({ traceId: id, postId: "p1", liked: true, hops: { outbox: 1, queue: 2, worker: 3 } });
  store.likeAnswered(id, answered(id, { click: 4, route: 1 }));
  assert.deepEqual(store.getSnapshot()[0]!.hops, { click: 4, outbox: 1, queue: 2, worker: 3, route: 1 });
  assert.equal(store.getSnapshot().length, 1);
});

test("a trace id replaced by nginx moves the journey to the server's id, merging what came under it", () => {
  const store = clockedStore();
  const ours = trace(3);
  const theirs = trace(4);
  store.likeSent({ traceId: ours, postId: "p1", liked: false, counterpart: "bob", clickMs: 2 });
  store.hopsArrived({ traceId: theirs, postId: "p1", liked: false, hops: { worker: 5 } });
  store.likeAnswered(ours, answered(theirs, { route: 1 }));
  const journeys = store.getSnapshot();
  assert.equal(journeys.length, 1);
  assert.equal(journeys[0]!.traceId, theirs);
  assert.equal(journeys[0]!.liked, false);
  assert.equal(journeys[0]!.counterpart, "bob");
  assert.deepEqual(journeys[0]!.hops, { click: 2, worker: 5, route: 1 });
});

test("a failed request ends its journey with the reason", () => {
  const store = clockedStore();
  store.likeSent({ traceId: trace(5), postId: "p1", liked: true, counterpart: null, clickMs: 1 });
  store.likeFailed(trace(5), "You're liking too fast");
  assert.deepEqual(store.getSnapshot()[0]!.request, { state: "failed", error: "You're liking too fast" });
});

test("hops for a like sent from another tab start a journey of their own", () => {
  const store = clockedStore();
  store.hopsArrived({ traceId: trace(6), postId: "p9", liked: false, hops: { click: 3, outbox: 1 } });
  const [journey] = store.getSnapshot();
  assert.equal(journey!.side, "liker");
  assert.equal(journey!.liked, false);
  assert.equal(journey!.postId, "p9");
  assert.equal(journey!.request, null);
  assert.equal(journey!.hops.click, 3, "the click as the server had it from the other tab");
});

test("owner side: delivered once (true the first time), then this browser's own hops", () => {
  const store = clockedStore();
  const id = trace(7);
  const delivery = { traceId: id, liked: true, postId: "p1", counterpart: "alice", hops: { click: 1, worker: 2 } };
  assert.equal(store.delivered(delivery), true);
  assert.equal(store.delivered(delivery), false, "a second copy of the event");
  store.measured(id, { socket: 3 });
  store.measured(id, { render: 4 });
  const [journey] = store.getSnapshot();
  assert.equal(journey!.side, "owner");
  assert.equal(journey!.counterpart, "alice");
  assert.deepEqual(journey!.hops, { click: 1, worker: 2, socket: 3, render: 4 });
});

test("the same trace on both sides stays two journeys", () => {
  const store = clockedStore();
  const id = trace(8);
  store.likeSent({ traceId: id, postId: "p1", liked: true, counterpart: "me", clickMs: 1 });
  store.delivered({ traceId: id, liked: true, postId: "p1", counterpart: "me", hops: {} });
  assert.deepEqual(
    store
      .getSnapshot()
      .map((j) => j.side)
      .sort(),
    ["liker", "owner"],
  );
});

test("newest first, ten at most; late hops for a dropped journey do not bring it back", () => {
  const store = clockedStore();
  for (let i = 1; i <= MAX_JOURNEYS + 2; i++)
    store.likeSent({ traceId: trace(100 + i), postId: "p", liked: true, counterpart: null, clickMs: i });
  const ids = store.getSnapshot().map((j) => j.traceId);
  assert.equal(ids.length, MAX_JOURNEYS);
  assert.equal(ids[0], trace(100 + MAX_JOURNEYS + 2));
  assert.ok(!ids.includes(trace(101)));
  store.hopsArrived({ traceId: trace(101), postId: "p", liked: true, hops: { worker: 1 } });
  assert.ok(!store.getSnapshot().some((j) => j.traceId === trace(101)));
});

test("subscribers hear changes; the snapshot is stable between them", () => {
  const store = clockedStore();
  let calls = 0;
  const unsubscribe = store.subscribe(() => calls++);
  const before = store.getSnapshot();
  assert.equal(store.getSnapshot(), before);
  store.likeSent({ traceId: trace(9), postId: "p", liked: true, counterpart: null, clickMs: 1 });
  assert.equal(calls, 1);
  assert.notEqual(store.getSnapshot(), before);
  store.measured(trace(10), { render: 1 }); // unknown: ignored, nobody told
  assert.equal(calls, 1);
  unsubscribe();
  store.likeFailed(trace(9), "x");
  assert.equal(calls, 1);
});
