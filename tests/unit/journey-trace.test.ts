// app/lib/journey/trace.ts: the trace headers a like request sends, and what its answer and the
// journey events say back.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  clickTracestate,
  newTraceIds,
  parseDeliveredJourney,
  parseJourneyHopsEvent,
  parseServerTiming,
  requestHops,
  sanitizeHops,
  traceIdFromHeader,
  wroteEvent,
} from "../../app/lib/journey/trace";

test("a new traceparent is version 00, lowercase hex ids of 32 and 16 digits, sampled", () => {
  const { traceId, spanId, traceparent } = newTraceIds();
  assert.match(traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(traceparent, `00-${traceId}-${spanId}-01`);
  assert.notEqual(newTraceIds().traceId, traceId, "random each time");
});

test("an all-zero id is never sent: the random bytes are drawn again", () => {
  let calls = 0;
  const random = (bytes: Uint8Array) => {
    calls += 1;
    // The first draw of each id is all zeros; the next one is not.
    if (calls % 2 === 1) return bytes.fill(0);
    return bytes.fill(0xab);
  };
  const { traceId, spanId } = newTraceIds(random);
  assert.equal(traceId, "ab".repeat(16));
  assert.equal(spanId, "ab".repeat(8));
  assert.equal(calls, 4);
});

test("tracestate carries the click hop as whole ms within 0..60000", () => {
  assert.equal(clickTracestate(12.6), "likes=click:13");
  assert.equal(clickTracestate(0), "likes=click:0");
  assert.equal(clickTracestate(-3), "likes=click:0");
  assert.equal(clickTracestate(999_999), "likes=click:60000");
  assert.equal(clickTracestate(Number.NaN), "likes=click:0");
});

test("Server-Timing: every metric with a duration, decimals kept", () => {
  const timings = parseServerTiming(
    "nginx;dur=0.41, route;dur=1.2, session;dur=3, postgres;dur=4.75, enqueue;dur=0.9, app;dur=11.08",
  );
  assert.deepEqual(timings, { nginx: 0.41, route: 1.2, session: 3, postgres: 4.75, enqueue: 0.9, app: 11.08 });
});

test("Server-Timing: descriptions, quotes, odd spacing, missing or bad durations", () => {
  const timings = parseServerTiming(
    'cache;desc="hit, warm", db ; dur = 2.5 ;desc="a;b", miss, neg;dur=-1, nan;dur=abc, q;dur="7", db;dur=99',
  );
  assert.deepEqual(timings, { db: 2.5, q: 7 });
  assert.deepEqual(parseServerTiming(null), {});
  assert.deepEqual(parseServerTiming(""), {});
});

test("traceresponse: the trace id, or null for anything else", () => {
  assert.equal(
    traceIdFromHeader(`00-${"4bf92f3577b34da6a3ce929d0e0e4736"}-00f067aa0ba902b7-01`),
    "4bf92f3577b34da6a3ce929d0e0e4736",
  );
  assert.equal(traceIdFromHeader(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`), null);
  assert.equal(traceIdFromHeader("00-XYZ-00f067aa0ba902b7-01"), null);
  assert.equal(traceIdFromHeader(null), null);
});

test("request hops: the browser's click plus what the app reported; nginx null when the app had none in front", () => {
  assert.deepEqual(requestHops(5, { nginx: 0.4, route: 1, session: 2, postgres: 3, enqueue: 1, app: 7 }), {
    click: 5,
    nginx: 0.4,
    route: 1,
    session: 2,
    postgres: 3,
  });
  assert.deepEqual(requestHops(5, { route: 1, session: 2, postgres: 3, app: 7 }), {
    click: 5,
    nginx: null,
    route: 1,
    session: 2,
    postgres: 3,
  });
  // No Server-Timing at all (stripped on the way): nothing is claimed about the server's hops.
  assert.deepEqual(requestHops(5, {}), { click: 5 });
});

test("an event was written exactly when the app timed its hand-over to the queue", () => {
  assert.equal(wroteEvent({ postgres: 3, enqueue: 1, app: 7 }), true);
  assert.equal(wroteEvent({ postgres: 3, app: 7 }), false);
  assert.equal(wroteEvent({}), undefined);
});

test("hops from the network: known ids, finite numbers (negatives clamped to 0) or null", () => {
  assert.deepEqual(
    sanitizeHops({ click: 3, queue: -2, worker: null, bogus: 4, route: "5", postgres: Number.POSITIVE_INFINITY }),
    { click: 3, queue: 0, worker: null },
  );
  assert.deepEqual(sanitizeHops(null), {});
  assert.deepEqual(sanitizeHops("x"), {});
});

test("journey:hops and a delivery's journey are checked before use", () => {
  const traceId = "a".repeat(32);
  assert.deepEqual(parseJourneyHopsEvent({ traceId, postId: "p1", liked: true, hops: { outbox: 1 } }), {
    traceId,
    postId: "p1",
    liked: true,
    hops: { outbox: 1 },
  });
  assert.equal(parseJourneyHopsEvent({ traceId: "nope", postId: "p1", liked: true, hops: {} }), null);
  assert.equal(parseJourneyHopsEvent({ traceId, postId: "p1", hops: {} }), null);
  assert.deepEqual(parseDeliveredJourney({ traceId, hops: { worker: 2 }, emittedAt: 1000 }), {
    traceId,
    hops: { worker: 2 },
    emittedAt: 1000,
  });
  assert.equal(parseDeliveredJourney({ traceId, hops: {} }), null);
  assert.equal(parseDeliveredJourney(undefined), null);
});
