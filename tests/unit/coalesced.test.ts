// lib/coalesced.ts: one run at a time; calls during a run become exactly one more run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { coalesced } from "../../app/lib/coalesced";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

test("calls during a run make exactly one more run, and every caller waits for the series", async () => {
  let runs = 0;
  let running = 0;
  const gates = [gate(), gate(), gate()];
  const run = coalesced(async () => {
    running += 1;
    assert.equal(running, 1, "never two at once");
    await gates[runs++]!.opened;
    running -= 1;
  });
  const first = run();
  const joined = [run(), run(), run()];
  assert.equal(runs, 1);
  gates[0]!.open();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, "three calls during the run: one more run");
  let settled = false;
  void Promise.all(joined).then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "joined callers wait for the run that covers them");
  gates[1]!.open();
  await Promise.all([first, ...joined]);
  assert.equal(runs, 2);
  gates[2]!.open();
  await run(); // a new series afterwards
  assert.equal(runs, 3);
});

test("a rejection ends the series and reaches its callers; the next call starts afresh", async () => {
  let calls = 0;
  const run = coalesced(async () => {
    calls += 1;
    if (calls === 1) throw new Error("boom");
  });
  const [a, b] = [run(), run()];
  await assert.rejects(a, /boom/);
  await assert.rejects(b, /boom/);
  assert.equal(calls, 1, "the extra run asked for is dropped with the failed series");
  await run();
  assert.equal(calls, 2);
});
