// app/lib/journey/waterfall.ts: the words and numbers the journey panel shows for one journey.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Journey } from "../../app/lib/journey/store";
import { formatMs, msAttribute, waterfall } from "../../app/lib/journey/waterfall";
import { hopNumber, JOURNEY_HOPS } from "../../shared/journey";

const ALL = {
  click: 4,
  nginx: 0.5,
  route: 1,
  session: 2,
  postgres: 3,
  outbox: 1,
  queue: 2,
  worker: 5,
  socket: 6,
  render: 7,
};

function journey(patch: Partial<Journey>): Journey {
  return {
    traceId: "a".repeat(32),
    side: "liker",
    liked: true,
    postId: "p1",
    counterpart: "bob",
    hops: {},
    firstSeenAt: 0,
    request: null,
    ...patch,
  };
}

const notes = (j: Journey, viewer: string | null = "alice") =>
  Object.fromEntries(waterfall(j, viewer).rows.map((r) => [r.id, r.ms ?? r.note]));

test("every hop in order, each bar starting where the ones before it ended", () => {
  const view = waterfall(
    journey({ hops: ALL, request: { state: "answered", roundTripMs: 20, appMs: 9, wroteEvent: true } }),
    "alice",
  );
  assert.deepEqual(
    view.rows.map((r) => r.id),
    JOURNEY_HOPS.map((h) => h.id),
  );
  assert.deepEqual(
    view.rows.map((r) => r.startMs),
    [0, 4, 4.5, 5.5, 7.5, 10.5, 11.5, 13.5, 18.5, 24.5],
  );
  assert.equal(view.totalMs, 31.5);
  assert.equal(view.complete, true);
  assert.equal(view.title, "You liked @bob's photo");
  assert.deepEqual(view.status, { tone: "done", text: "On @bob's screen" });
  assert.equal(view.rows[4]!.file, "server/likes.ts");
  assert.deepEqual(
    view.rows.map((r) => r.number),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    "each row shows its hop's number",
  );
});

test("the hops are numbered 1 to 10 in the journey's order, so hop 9 is the socket hop everywhere", () => {
  assert.deepEqual(
    JOURNEY_HOPS.map((hop) => `${hopNumber(hop.id)} ${hop.id}`),
    [
      "1 click",
      "2 nginx",
      "3 route",
      "4 session",
      "5 postgres",
      "6 outbox",
      "7 queue",
      "8 worker",
      "9 socket",
      "10 render",
    ],
  );
});

test("liker side while the request is out: everything after the click is waiting", () => {
  const view = waterfall(journey({ hops: { click: 3 }, request: { state: "sending" } }), "alice");
  assert.equal(view.status.text, "Sending…");
  assert.deepEqual(
    view.rows.map((r) => r.waiting),
    [false, true, true, true, true, true, true, true, true, true],
  );
  assert.equal(view.rows[1]!.note, "waiting for the answer");
});

test("liker side after the answer: waiting for the worker, then for the owner's browser", () => {
  const request = { state: "answered", roundTripMs: 20, appMs: 9, wroteEvent: true } as const;
  const first = notes(journey({ hops: { click: 4, nginx: null, route: 1, session: 2, postgres: 3 }, request }));
  assert.equal(first.nginx, "no nginx in front");
  assert.equal(first.queue, "waiting for the worker");
  assert.equal(first.render, "waiting for @bob's browser");
  const second = waterfall(journey({ hops: { ...ALL, socket: undefined, render: undefined }, request }), "alice");
  assert.equal(second.status.text, "Waiting for @bob's browser…");
  assert.equal(second.complete, false);
});

test("no event written: one's own photo, or nothing changed; nothing is left waiting", () => {
  const request = { state: "answered", roundTripMs: 20, appMs: 9, wroteEvent: false } as const;
  const own = waterfall(
    journey({ counterpart: "alice", hops: { click: 1, route: 1, session: 1, postgres: 1 }, request }),
    "alice",
  );
  assert.equal(own.title, "You liked your own photo");
  assert.deepEqual(own.status, { tone: "quiet", text: "Your own photo: no notification" });
  assert.equal(own.rows.find((r) => r.id === "outbox")!.note, "your own photo: no notification");
  assert.ok(own.rows.every((r) => !r.waiting));
  const same = waterfall(journey({ hops: { click: 1 }, request }), "alice");
  assert.equal(same.status.text, "Nothing changed: no notification");
});

test("a failed request says why, and so do its hops", () => {
  const view = waterfall(
    journey({ hops: { click: 2 }, request: { state: "failed", error: "Couldn't reach the server." } }),
    "alice",
  );
  assert.deepEqual(view.status, { tone: "error", text: "Couldn't reach the server." });
  assert.equal(view.rows[3]!.note, "request failed");
  assert.ok(view.rows.every((r) => !r.waiting));
});

test("owner side: titles for a like and a retraction, and the two local hops while measuring", () => {
  const arriving = waterfall(journey({ side: "owner", counterpart: "alice", hops: { click: 1, worker: 2 } }), "bob");
  assert.equal(arriving.title, "@alice liked your photo");
  assert.equal(arriving.status.text, "Arriving…");
  assert.equal(arriving.rows.find((r) => r.id === "render")!.note, "measuring…");
  assert.equal(
    waterfall(journey({ side: "owner", liked: false, counterpart: "alice" }), "bob").title,
    "@alice took back their like",
  );
  assert.equal(
    waterfall(journey({ side: "owner", liked: false, counterpart: null }), "bob").title,
    "A like on your photo was taken back",
  );
  assert.deepEqual(waterfall(journey({ side: "owner", counterpart: "alice", hops: ALL }), "bob").status, {
    tone: "done",
    text: "On your screen",
  });
});

test("a hop the server could not measure says so, and is not waited for", () => {
  const view = waterfall(journey({ side: "owner", hops: { ...ALL, postgres: null } }), "bob");
  const postgres = view.rows.find((r) => r.id === "postgres")!;
  assert.equal(postgres.ms, null);
  assert.equal(postgres.note, "not measured on this path");
  assert.equal(postgres.waiting, false);
});

test("figures: about three significant digits; the data attribute keeps the number", () => {
  assert.equal(formatMs(0), "0 ms");
  assert.equal(formatMs(0.4213), "0.42 ms");
  assert.equal(formatMs(4.26), "4.3 ms");
  assert.equal(formatMs(42.4), "42 ms");
  assert.equal(formatMs(1234), "1.23 s");
  assert.equal(msAttribute(3.14159), "3.14");
  assert.equal(msAttribute(0), "0");
  assert.equal(msAttribute(null), "");
});
