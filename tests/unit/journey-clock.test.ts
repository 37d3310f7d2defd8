// app/lib/journey/clock.ts: the browser's estimate of the server's clock, for the socket hop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ClockOffset, clockSample, socketHopMs } from "../../app/lib/journey/clock";

test("a sample assumes the server read its clock halfway through the round trip", () => {
  // Asked at 1000, answered at 1040 (browser clock); the server said 5020: 5000 ahead.
  assert.deepEqual(clockSample(1000, 5020, 1040), { offsetMs: 4000, roundTripMs: 40 });
});

test("the sample with the shortest round trip wins; reset starts over", () => {
  const clock = new ClockOffset();
  assert.equal(clock.offsetMs, 0, "no sample: assume the clocks agree");
  assert.equal(clock.synced, false);
  clock.add({ offsetMs: 120, roundTripMs: 80 });
  clock.add({ offsetMs: 100, roundTripMs: 10 });
  clock.add({ offsetMs: 150, roundTripMs: 30 });
  assert.equal(clock.offsetMs, 100);
  assert.equal(clock.synced, true);
  clock.add({ offsetMs: Number.NaN, roundTripMs: 1 });
  assert.equal(clock.offsetMs, 100, "a broken sample is ignored");
  clock.reset();
  assert.equal(clock.offsetMs, 0);
});

test("the socket hop corrects the browser's clock, and never goes below zero", () => {
  const clock = new ClockOffset();
  clock.add({ offsetMs: 250, roundTripMs: 4 }); // the server's clock is 250 ms ahead
  // Emitted at 10_000 (server), received at 9_760 (browser) = 10_010 server time: 10 ms.
  assert.equal(socketHopMs(10_000, 9_760, clock), 10);
  // Inside the estimate's error a fast hop could come out negative: shown as 0.
  assert.equal(socketHopMs(10_000, 9_740, clock), 0);
});
