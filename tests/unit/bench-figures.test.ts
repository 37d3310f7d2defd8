// tooling/bench-figures.ts: the bench's ratio against a floor (the targets' met / not met) and its
// CPU time per like or notification from /proc ticks. No run is needed: the figures are made up.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cpuMsPer, ratioFigure, TICKS_PER_SECOND } from "../../tooling/bench-figures";

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
