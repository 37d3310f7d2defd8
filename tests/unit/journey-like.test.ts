// app/lib/journey/like.ts: one traced like request, from the click to what its answer tells the panel.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TracedLikeResult } from "../../app/lib/api-client";
import { sendTracedLike } from "../../app/lib/journey/like";
import { JourneyStore } from "../../app/lib/journey/store";

const fixedRandom = (bytes: Uint8Array) => bytes.fill(0x1f);
const OUR_TRACE = "1f".repeat(16);

function harness(answer: (trace: { traceparent: string; tracestate: string }) => Promise<TracedLikeResult>) {
  let now = 1000;
  const sent: { postId: string; liked: boolean; trace: { traceparent: string; tracestate: string } }[] = [];
  const journeys = new JourneyStore();
  const statesWhileSending: (string | undefined)[] = [];
  const deps = {
    journeys,
    random: fixedRandom,
    describeError: (e: unknown) => `failed: ${(e as Error).message}`,
    now: () => now,
    setLikeTraced: (postId: string, liked: boolean, trace: { traceparent: string; tracestate: string }) => {
      sent.push({ postId, liked, trace });
      statesWhileSending.push(journeys.getSnapshot()[0]?.request?.state);
      now += 25; // the round trip
      return answer(trace);
    },
  };
  return { deps, sent, journeys, statesWhileSending };
}

test("the request carries our traceparent and the click hop; the answer's Server-Timing fills the request hops", async () => {
  const { deps, sent, journeys, statesWhileSending } = harness(async () => ({
    result: { postId: "p1", liked: true, likeCount: 1 },
    serverTiming: "nginx;dur=0.3, route;dur=1.5, session;dur=2, postgres;dur=3.25, enqueue;dur=0.8, app;dur=8.4",
    traceresponse: `00-${OUR_TRACE}-aaaaaaaaaaaaaaaa-01`,
  }));
  const result = await sendTracedLike(deps, { id: "p1", author: { username: "bob" } }, true, 988);
  assert.deepEqual(result, { postId: "p1", liked: true, likeCount: 1 }, "the caller gets the plain answer");
  assert.deepEqual(statesWhileSending, ["sending"], "the journey shows before the answer");
  assert.deepEqual(sent, [
    {
      postId: "p1",
      liked: true,
      trace: { traceparent: `00-${OUR_TRACE}-${"1f".repeat(8)}-01`, tracestate: "likes=click:12" },
    },
  ]);
  const [journey] = journeys.getSnapshot();
  assert.equal(journey!.traceId, OUR_TRACE);
  assert.equal(journey!.counterpart, "bob");
  assert.deepEqual(journey!.hops, { click: 12, nginx: 0.3, route: 1.5, session: 2, postgres: 3.25 });
  assert.deepEqual(journey!.request, { state: "answered", roundTripMs: 25, appMs: 8.4, wroteEvent: true });
});

test("the server's trace id wins when nginx replaced ours", async () => {
  const theirs = "ab".repeat(16);
  const { deps, journeys } = harness(async () => ({
    result: { postId: "p1", liked: false, likeCount: 0 },
    serverTiming: "route;dur=1, app;dur=2",
    traceresponse: `00-${theirs}-aaaaaaaaaaaaaaaa-01`,
  }));
  await sendTracedLike(deps, { id: "p1" }, false, 1000);
  const [journey, ...rest] = journeys.getSnapshot();
  assert.equal(rest.length, 0);
  assert.equal(journey!.traceId, theirs);
  assert.equal(journey!.hops.nginx, null, "no nginx timing: none in front");
  assert.equal(journey!.request?.state === "answered" && journey!.request.wroteEvent, false);
});

test("a failure ends the journey with the reason and reaches the caller unchanged", async () => {
  const boom = new Error("boom");
  const { deps, journeys } = harness(async () => {
    throw boom;
  });
  await assert.rejects(sendTracedLike(deps, { id: "p1" }, true, 1000), (error) => error === boom);
  assert.deepEqual(journeys.getSnapshot()[0]!.request, { state: "failed", error: "failed: boom" });
});

test("without a journey store the like still goes out, traced", async () => {
  const { deps, sent } = harness(async () => ({
    result: { postId: "p1", liked: true, likeCount: 1 },
    serverTiming: null,
    traceresponse: null,
  }));
  const result = await sendTracedLike({ ...deps, journeys: null }, { id: "p1" }, true, 1000);
  assert.equal(result.liked, true);
  assert.equal(sent.length, 1);
});
