// The measurement layer (server/telemetry/): W3C traceparent rules, the trace scope, the SQL
// comment, the browser's and nginx's timing headers, Server-Timing, the worker's hops.
import assert from "node:assert/strict";
import { test } from "node:test";
import { hopsUpToWorker, parseDeliveryReport } from "../../server/telemetry/journey";
import { traceparentComment } from "../../server/telemetry/postgres";
import { clickMsFromTracestate, nginxMsFromRequestStart, serverTimingHeader } from "../../server/telemetry/request";
import {
  continueTrace,
  currentScope,
  currentTrace,
  formatTraceparent,
  measureHop,
  parseTraceparent,
  recordHop,
  recordMetric,
  runInTrace,
} from "../../server/telemetry/trace";

/** What the SQL commenter plugin adds to a statement (Prisma calls it with the query's details). */
const commentTags = () => traceparentComment({ query: { type: "single", action: "queryRaw", query: {} } });

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

test("traceparent: version 00 parsed; malformed, all-zero and version ff refused; later versions may add fields", () => {
  assert.deepEqual(parseTraceparent(`00-${TRACE}-${SPAN}-01`), { traceId: TRACE, parentSpanId: SPAN, sampled: true });
  assert.equal(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled, false);
  assert.equal(parseTraceparent(`01-${TRACE}-${SPAN}-01-more`)?.traceId, TRACE);
  for (const bad of [
    null,
    "",
    "garbage",
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${"0".repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${"0".repeat(16)}-01`,
    `ff-${TRACE}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}-01-extra`,
    `00-${TRACE}-${SPAN}`,
  ]) {
    assert.equal(parseTraceparent(bad), null, String(bad));
  }
});

test("continuing a trace keeps its id under a new span; without one a new trace starts", () => {
  const continued = continueTrace(`00-${TRACE}-${SPAN}-01`);
  assert.equal(continued.traceId, TRACE);
  assert.equal(continued.parentSpanId, SPAN);
  assert.match(continued.spanId, /^[0-9a-f]{16}$/);
  assert.notEqual(continued.spanId, SPAN);
  assert.equal(formatTraceparent(continued), `00-${TRACE}-${continued.spanId}-01`);
  const fresh = continueTrace("nonsense");
  assert.match(fresh.traceId, /^[0-9a-f]{32}$/);
  assert.equal(fresh.parentSpanId, null);
  assert.notEqual(continueTrace(undefined).traceId, fresh.traceId);
});

test("the scope follows async work, and the SQL comment names the trace", async () => {
  assert.equal(currentTrace(), undefined);
  assert.deepEqual(commentTags(), {});
  const trace = continueTrace(`00-${TRACE}-${SPAN}-01`);
  await runInTrace(trace, async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(currentTrace()?.traceId, TRACE);
    assert.deepEqual(commentTags(), { traceparent: `00-${TRACE}-${trace.spanId}-01` });
  });
  assert.equal(currentTrace(), undefined);
});

test("the browser's click time comes from tracestate, bounded", () => {
  assert.equal(clickMsFromTracestate("likes=click:12"), 12);
  assert.equal(clickMsFromTracestate("other=x, likes=click:0"), 0);
  for (const bad of [
    null,
    "",
    "likes=click:-1",
    "likes=click:60001",
    "likes=click:1.5",
    "likes=clock:3",
    "likes=click:99999999",
  ]) {
    assert.equal(clickMsFromTracestate(bad), null, String(bad));
  }
});

test("the nginx hop: from X-Request-Start to now, clamped at 0, refused when no clock could produce it", () => {
  const now = 1_780_000_000_123;
  assert.equal(nginxMsFromRequestStart("t=1780000000.120", now), 3);
  assert.equal(nginxMsFromRequestStart("t=1780000000.125", now), 0, "a clock a hair ahead reads 0");
  for (const bad of [null, "", "1780000000.120", "t=abc", "t=1780000100.000", "t=1779000000.000"]) {
    assert.equal(nginxMsFromRequestStart(bad, now), null, String(bad));
  }
});

test("Server-Timing lists the measured hops, then extra metrics, then the whole", async () => {
  await runInTrace(
    continueTrace(null),
    async () => {
      recordHop("nginx", 1.234);
      await measureHop("session", async () => undefined);
      recordMetric("enqueue", 0.4);
      const header = serverTimingHeader(currentScope()!, 7.891);
      assert.match(header, /^nginx;dur=1\.23, session;dur=\d+(\.\d+)?, enqueue;dur=\d+(\.\d+)?, app;dur=7\.89$/);
    },
    { click: null },
  );
});

test("the worker's hops: stored ones kept, outbox and queue from the timestamps, never negative", () => {
  const hops = hopsUpToWorker({
    stored: { traceparent: `00-${TRACE}-${SPAN}-01`, hops: { click: 2, nginx: 1, route: 0.5, session: 0.7 } },
    job: { committedAt: 1000, postgres: 1.5, addedAt: 1001, takenAt: 1004 },
    workerMs: 2.345,
  });
  assert.deepEqual(hops, {
    click: 2,
    nginx: 1,
    route: 0.5,
    session: 0.7,
    postgres: 1.5,
    outbox: 1,
    queue: 3,
    worker: 2.35,
  });
  // A relayed job: the commit time is the row's, and Postgres was not timed.
  const relayed = hopsUpToWorker({
    stored: null,
    job: { committedAt: 1000, postgres: null, addedAt: 4000, takenAt: 3999 },
    workerMs: 1,
  });
  assert.deepEqual(relayed, { postgres: null, outbox: 3000, queue: 0, worker: 1 });
  // A job that came without its trace: nothing says how long it waited.
  const untraced = hopsUpToWorker({ stored: null, job: undefined, workerMs: 1 });
  assert.deepEqual(untraced, { postgres: null, outbox: null, queue: null, worker: 1 });
});

test("the owner's report is taken only when well formed", () => {
  assert.deepEqual(parseDeliveryReport({ traceId: TRACE, socket: 1.234, render: 16 }), {
    traceId: TRACE,
    socket: 1.23,
    render: 16,
  });
  for (const bad of [
    null,
    {},
    { traceId: "x", socket: 1, render: 1 },
    { traceId: TRACE, socket: -1, render: 1 },
    { traceId: TRACE, socket: 1, render: Infinity },
    { traceId: TRACE, socket: "1", render: 1 },
    { traceId: TRACE, socket: 1, render: 70_000 },
  ]) {
    assert.equal(parseDeliveryReport(bad), null, JSON.stringify(bad));
  }
});
