import assert from "node:assert/strict";
import { test } from "node:test";
import { DOUBLE_TAP_MS, DOUBLE_TAP_SLOP_PX, isDoubleTap } from "../../app/lib/double-tap";

const tap = (time: number, x = 100, y = 100) => ({ time, x, y });

test("two taps close in time and place are a double tap", () => {
  assert.equal(isDoubleTap(tap(1000), tap(1000 + DOUBLE_TAP_MS)), true);
  assert.equal(isDoubleTap(tap(1000), tap(1120, 110, 95)), true);
});

test("a first tap, a slow second tap, or one far away is not", () => {
  assert.equal(isDoubleTap(null, tap(1000)), false);
  assert.equal(isDoubleTap(tap(1000), tap(1001 + DOUBLE_TAP_MS)), false);
  assert.equal(isDoubleTap(tap(1000), tap(1100, 100 + DOUBLE_TAP_SLOP_PX + 1, 100)), false);
  assert.equal(isDoubleTap(tap(1000), tap(900)), false, "clock went backwards: not a pair");
});
