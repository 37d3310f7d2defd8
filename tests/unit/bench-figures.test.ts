// tooling/bench-figures.ts: the bench's ratio against a floor (the targets' met / not met) and its
// CPU time per like or notification from /proc ticks. No run is needed: the figures are made up.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  cpuMsPer,
  cpuPerRequest,
  ratioFigure,
  TICKS_PER_SECOND,
  type MachineReading,
} from "../../tooling/bench-figures";

describe("ratioFigure", () => {
  test("app ÷ floor, shown rounded, met at or above the target", () => {
    assert.deepEqual(ratioFigure(400, 500, 0.8), { ratio: 0.8, measured: "400 ÷ 500 = 0.80", met: true });
    const below = ratioFigure(399.6, 500.2, 0.8);
    assert.equal(below.met, false);
    assert.equal(below.measured, "400 ÷ 500 = 0.80", "rounded for the table, judged unrounded");
    assert.ok(below.ratio! < 0.8);
  });

  test("a floor that measured nothing gives no ratio and neither met nor not met", () => {
    for (const floor of [0, NaN, Infinity]) {
      const r = ratioFigure(100, floor, 0.8);
      assert.equal(r.ratio, null);
      assert.equal(r.met, null);
      assert.match(r.measured, /= —$/);
    }
  });

  test("an app that answered nothing is a ratio of 0: not met", () => {
    assert.deepEqual(ratioFigure(0, 250, 0.5), { ratio: 0, measured: "0 ÷ 250 = 0.00", met: false });
  });
});

describe("cpuMsPer", () => {
  test("ticks between two readings, in ms, per item", () => {
    assert.equal(TICKS_PER_SECOND, 100);
    // 46 ticks = 460 ms over 100 likes: 4.6 ms each.
    assert.equal(cpuMsPer(1000, 1046, 100), 4.6);
    assert.equal(cpuMsPer(7, 7, 3), 0);
  });

  test("no items, or a missing reading (the process was gone), gives null", () => {
    assert.equal(cpuMsPer(10, 20, 0), null);
    assert.equal(cpuMsPer(undefined, 20, 5), null);
    assert.equal(cpuMsPer(10, undefined, 5), null);
  });
});

describe("cpuPerRequest", () => {
  const reading = (busy: number, total: number, processes: MachineReading["processes"]): MachineReading => ({
    at: 0,
    machine: { busy, total },
    processes,
  });

  test("named pids and command names make the groups; the rest of the machine's busy time is other", () => {
    const from = reading(1000, 4000, [
      { pid: 10, comm: "node", ticks: 100 },
      { pid: 11, comm: "node", ticks: 50 },
      { pid: 20, comm: "postgres", ticks: 5 },
      { pid: 21, comm: "postgres", ticks: 7 },
      { pid: 30, comm: "nginx", ticks: 1 },
      { pid: 40, comm: "redis-server", ticks: 9 },
      { pid: 50, comm: "node", ticks: 3 }, // the client
      { pid: 60, comm: "sshd", ticks: 2 },
    ]);
    const to = reading(1400, 4800, [
      { pid: 10, comm: "node", ticks: 200 },
      { pid: 11, comm: "node", ticks: 70 },
      { pid: 20, comm: "postgres", ticks: 25 },
      { pid: 21, comm: "postgres", ticks: 17 },
      { pid: 30, comm: "nginx", ticks: 31 },
      { pid: 40, comm: "redis-server", ticks: 19 },
      { pid: 50, comm: "node", ticks: 33 },
      { pid: 60, comm: "sshd", ticks: 12 },
      { pid: 70, comm: "postgres", ticks: 40 }, // started within the window: other
    ]);
    const r = cpuPerRequest(from, to, { server: 10, worker: 11, client: 50 }, 100)!;
    const perTick = 1000 / TICKS_PER_SECOND / 100; // ms per request for one tick
    assert.equal(r.machineBusyPct, 50);
    assert.equal(r.machineMs, 400 * perTick);
    assert.deepEqual(r.byGroup, {
      server: 100 * perTick,
      worker: 20 * perTick,
      nginx: 30 * perTick,
      postgres: 30 * perTick,
      redis: 10 * perTick,
      client: 30 * perTick,
      other: (400 - 220) * perTick,
    });
  });

  test("a pid reused by another command is not counted as the first; no requests, no figure", () => {
    const from = reading(0, 100, [{ pid: 10, comm: "node", ticks: 500 }]);
    const to = reading(10, 200, [{ pid: 10, comm: "postgres", ticks: 3 }]);
    assert.equal(cpuPerRequest(from, to, {}, 10)!.byGroup.postgres, 0);
    assert.equal(cpuPerRequest(from, to, {}, 10)!.byGroup.other, 10 * (1000 / TICKS_PER_SECOND / 10));
    assert.equal(cpuPerRequest(from, to, {}, 0), null);
  });
});
