// Scrape-time collectors (server/telemetry/collectors.ts): one that fails or takes longer than
// 500 ms reports likes_metrics_collector_up 0 and leaves its series out, without holding the scrape.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Gauge, Registry } from "prom-client";
import { COLLECTOR_TIMEOUT_MS, collect, type Collector } from "../../server/telemetry/collectors";

function setup() {
  const registry = new Registry();
  const collectorUp = new Gauge({ name: "up_test", help: "h", labelNames: ["collector"], registers: [registry] });
  // As the collectors' gauges are: in no registry; collect() adds them to the scrape when read in time.
  const gauge = new Gauge({ name: "thing_test", help: "h", labelNames: ["kind"], registers: [] });
  // collect() needs only the collectorUp gauge of the shared metrics.
  const metrics = { registry, collectorUp } as unknown as Parameters<typeof collect>[0];
  return { registry, metrics, gauge };
}

const values = async (registry: Registry, name: string) =>
  (
    (await registry.getSingleMetric(name)?.get())?.values ?? ([] as { labels: Record<string, string>; value: number }[])
  ).map((v) => [v.labels, v.value]);

test("a collector that answers sets its gauges and is up", async () => {
  const { metrics, gauge } = setup();
  const ok: Collector = { name: "ok", gauges: [gauge], read: async () => [[gauge, { kind: "a" }, 3]] };
  const served = await collect(metrics, [ok]);
  assert.deepEqual(await values(served, "thing_test"), [[{ kind: "a" }, 3]]);
  assert.deepEqual(await values(served, "up_test"), [[{ collector: "ok" }, 1]]);
});

test("a late collector is down, its old series are gone, and the scrape does not wait for it", async () => {
  const { metrics, gauge } = setup();
  let late = false;
  const collector: Collector = {
    name: "slow",
    gauges: [gauge],
    read: () =>
      late
        ? new Promise((resolve) => setTimeout(() => resolve([[gauge, { kind: "b" }, 9]]), 5000).unref())
        : [[gauge, { kind: "a" }, 1]],
  };
  assert.deepEqual(await values(await collect(metrics, [collector]), "thing_test"), [[{ kind: "a" }, 1]]);
  late = true;
  const started = performance.now();
  const served = await collect(metrics, [collector]);
  const ms = performance.now() - started;
  // Cut at the timeout, not after the late collector's 5 s (a loose bound: a busy machine is slow).
  assert.ok(ms >= COLLECTOR_TIMEOUT_MS - 5 && ms < 4000, `took ${ms} ms`);
  assert.equal(served.getSingleMetric("thing_test"), undefined);
  assert.doesNotMatch(await served.metrics(), /thing_test/);
  assert.deepEqual(await values(served, "up_test"), [[{ collector: "slow" }, 0]]);
});

test("a failing collector is down; the others are not held back", async () => {
  const { metrics, gauge } = setup();
  const failing: Collector = { name: "fails", gauges: [], read: () => Promise.reject(new Error("redis away")) };
  const throwing: Collector = {
    name: "throws",
    gauges: [],
    read: () => {
      throw new Error("sync");
    },
  };
  const ok: Collector = { name: "ok", gauges: [gauge], read: () => [[gauge, { kind: "a" }, 2]] };
  const served = await collect(metrics, [failing, throwing, ok]);
  const up = Object.fromEntries(
    (await values(served, "up_test")).map(([l, v]) => [(l as { collector: string }).collector, v]),
  );
  assert.deepEqual(up, { fails: 0, throws: 0, ok: 1 });
  assert.deepEqual(await values(served, "thing_test"), [[{ kind: "a" }, 2]]);
});
