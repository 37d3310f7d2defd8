// app/lib/journey/like.ts: one traced like request, from the click to what its answer tells the panel.
// The observer is driven the way api.setLike drives it: headers read before the request, then
// answered() with the response or failed() with the error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, NetworkError, describeLikeError } from "../../app/lib/api-client";
import { traceLike } from "../../app/lib/journey/like";
import { JourneyStore } from "../../app/lib/journey/store";

const fixedRandom = (bytes: Uint8Array) => bytes.fill(0x1f);
const OUR_TRACE = "1f".repeat(16);

function harness() {
  let now = 1000;
  const clock = { now: () => now, random: fixedRandom };
  const journeys = new JourneyStore();
  /** The round trip passes, and the answer comes back with these headers. */
  const answer = (headers: Record<string, string>) => {
    now += 25;
    return new Response("{}", { status: 200, headers });
  };
  return { clock, journeys, answer };
}

test("the request carries our traceparent and the click hop; the answer's Server-Timing fills the request hops", () => {
  const { clock, journeys, answer } = harness();
  const observe = traceLike(journeys, { id: "p1", author: { username: "bob" } }, true, 988, clock);
  assert.deepEqual(observe.headers, {
    traceparent: `00-${OUR_TRACE}-${"1f".repeat(8)}-01`,
    tracestate: "likes=click:12",
  });
  assert.equal(journeys.getSnapshot()[0]?.request?.state, "sending", "the journey shows before the answer");
  observe.answered!(
    answer({
      "Server-Timing": "nginx;dur=0.3, route;dur=1.5, session;dur=2, postgres;dur=3.25, enqueue;dur=0.8, app;dur=8.4",
      traceresponse: `00-${OUR_TRACE}-aaaaaaaaaaaaaaaa-01`,
    }),
  );
  const [journey] = journeys.getSnapshot();
  assert.equal(journey!.traceId, OUR_TRACE);
  assert.equal(journey!.counterpart, "bob");
  assert.deepEqual(journey!.hops, { click: 12, nginx: 0.3, route: 1.5, session: 2, postgres: 3.25 });
  assert.deepEqual(journey!.request, { state: "answered", roundTripMs: 25, appMs: 8.4, wroteEvent: true });
});

test("the server's trace id wins when nginx replaced ours", () => {
  const theirs = "ab".repeat(16);
  const { clock, journeys, answer } = harness();
  const observe = traceLike(journeys, { id: "p1" }, false, 1000, clock);
  observe.answered!(
    answer({ "Server-Timing": "route;dur=1, app;dur=2", traceresponse: `00-${theirs}-aaaaaaaaaaaaaaaa-01` }),
  );
  const [journey, ...rest] = journeys.getSnapshot();
  assert.equal(rest.length, 0);
  assert.equal(journey!.traceId, theirs);
  assert.equal(journey!.hops.nginx, null, "no nginx timing: none in front");
  assert.equal(journey!.request?.state === "answered" && journey!.request.wroteEvent, false);
});

test("a failure ends the journey with the sentence the post shows", () => {
  const { clock, journeys } = harness();
  const tooFast = new ApiError(429, "rate_limited", "Slow down.", 12);
  traceLike(journeys, { id: "p1" }, true, 1000, clock).failed!(tooFast);
  assert.deepEqual(journeys.getSnapshot()[0]!.request, {
    state: "failed",
    error: describeLikeError(tooFast, true),
  });
  const offline = new NetworkError(new TypeError("Failed to fetch"));
  traceLike(journeys, { id: "p2" }, false, 1000, { now: clock.now }).failed!(offline);
  const unlike = journeys.getSnapshot().find((j) => j.postId === "p2");
  assert.deepEqual(unlike!.request, { state: "failed", error: describeLikeError(offline, false) }, "names the unlike");
});

test("without a journey store the like still goes out, traced", () => {
  const { clock, answer } = harness();
  const observe = traceLike(null, { id: "p1" }, true, 1000, clock);
  assert.match(observe.headers!.traceparent!, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(observe.headers!.tracestate, "likes=click:0");
  observe.answered!(answer({}));
  observe.failed!(new Error("after all"));
});
