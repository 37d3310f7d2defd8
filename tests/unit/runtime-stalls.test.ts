// The bench's reading of a process's own stalls (tooling/runtime-stalls.ts), against what
// prom-client's default metrics really expose, in this process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, collectDefaultMetrics } from "prom-client";
import { cpuPressurePct, cpuPressureUs, parseStalls, stallsBetween } from "../../tooling/runtime-stalls";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a blocked event loop and the collector's pauses show in the window between two scrapes", async () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 5 });
  const start = parseStalls(await registry.metrics()); // opens the window: resets the delay histogram
  await tick(20); // the monitor's first timer after a reset only starts its clock

  const blockedUntil = performance.now() + 80;
  while (performance.now() < blockedUntil); // the process's own stall
  let garbage: unknown[] = [];
  for (let i = 0; i < 200; i++) garbage = [garbage.length, ...Array.from({ length: 10_000 }, (_, j) => ({ j }))];
  await tick(50); // the delay monitor's next timer and the GC entries are delivered after the stall

  const window = stallsBetween(start, parseStalls(await registry.metrics()), 5);
  assert.ok(window);
  assert.ok(window.eventLoopDelayMs.max >= 60, `max delay ${window.eventLoopDelayMs.max} ms after an 80 ms block`);
  assert.ok(window.eventLoopDelayMs.p99 <= window.eventLoopDelayMs.max);
  assert.ok(window.gc.pauses > 0, "allocating 2 million objects made the collector run");
  assert.ok(window.gc.totalMs > 0);
  assert.ok(window.gc.over10Ms >= 0 && window.gc.over10Ms <= window.gc.pauses);
  assert.equal(garbage.length > 0, true);
});

test("a missing scrape gives no window; the parser reads labels, buckets and sums", () => {
  assert.equal(stallsBetween(null, parseStalls(""), 10), null);
  const text = [
    "# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.",
    "nodejs_eventloop_lag_p99_seconds 0.012",
    "nodejs_eventloop_lag_max_seconds 0.048",
    'nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 7',
    'nodejs_gc_duration_seconds_bucket{le="0.01",kind="minor"} 9',
    'nodejs_gc_duration_seconds_bucket{le="0.01",kind="major"} 1',
    'nodejs_gc_duration_seconds_sum{kind="minor"} 0.02',
    'nodejs_gc_duration_seconds_sum{kind="major"} 0.03',
    'nodejs_gc_duration_seconds_count{kind="minor"} 10',
    'nodejs_gc_duration_seconds_count{kind="major"} 2',
  ].join("\n");
  assert.deepEqual(parseStalls(text), { lagP99Ms: 12, lagMaxMs: 48, gcSeconds: 0.05, gcCount: 12, gcOver10Ms: 2 });
  const idle = { lagP99Ms: 10.4, lagMaxMs: 10.6, gcSeconds: 0, gcCount: 0, gcOver10Ms: 0 };
  assert.deepEqual(stallsBetween(idle, parseStalls(text), 10), {
    eventLoopDelayMs: { p99: 2, max: 38 },
    gc: { totalMs: 50, pauses: 12, over10Ms: 2 },
  });
});

test("CPU pressure is read from the kernel's PSI line and given as a share of the window", () => {
  const psi =
    "some avg10=1.50 avg60=7.85 avg300=27.82 total=893720309\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
  assert.equal(
    cpuPressureUs(() => psi),
    893720309,
  );
  assert.equal(
    cpuPressureUs(() => "nothing here"),
    null,
  );
  assert.equal(
    cpuPressureUs(() => {
      throw new Error("ENOENT");
    }),
    null,
  );
  assert.equal(cpuPressurePct(1_000_000, 1_500_000, 2000), 25);
  assert.equal(cpuPressurePct(null, 1, 2000), null);
});
