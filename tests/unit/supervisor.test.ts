// The supervisor behind `npm run stack` (tooling/supervisor.ts), with real child processes:
// an unexpected exit is reported with its cause and last lines and the child is restarted; quick
// failures back off; a crash loop stops the restarts; an expected stop restarts nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnProc, type Proc } from "../../tooling/processes";
import { Supervisor, type SupervisorEvent } from "../../tooling/supervisor";

const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** A child that prints a line and stays up (or exits with `exitCode` at once). */
function child(name: string, exitCode?: number): Proc {
  const script =
    exitCode === undefined
      ? "console.log('up'); setInterval(() => {}, 1000)"
      : `console.log('failing'); process.exit(${exitCode})`;
  return spawnProc(name, process.execPath, ["-e", script]);
}

test("a child killed from outside is reported with its signal and last lines, then replaced", async () => {
  const events: SupervisorEvent[] = [];
  const supervisor = new Supervisor({ initialDelayMs: 20, onEvent: (e) => events.push(e) });
  const first = child("svc");
  await until("first output", () => first.lines.includes("up"));
  let replaced: Proc | undefined;
  supervisor.watch(
    "svc",
    first,
    async () => {
      const proc = child("svc");
      await until("replacement output", () => proc.lines.includes("up"));
      return proc;
    },
    (proc) => (replaced = proc),
  );

  first.child.kill("SIGKILL");
  await until("the replacement", () => replaced !== undefined);
  assert.deepEqual(
    events.map((e) => e.kind),
    ["exited", "restarting", "restarted"],
  );
  const exited = events[0] as Extract<SupervisorEvent, { kind: "exited" }>;
  assert.equal(exited.how, "signal SIGKILL");
  assert.deepEqual(exited.lastLines, ["up"]);
  assert.equal(supervisor.current("svc"), replaced);

  supervisor.stop();
  await replaced!.stop();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(events.length, 3, "an exit after stop() is expected: nothing is restarted");
});

test("quick failures back off, doubling; a crash loop ends the restarts", async () => {
  const events: SupervisorEvent[] = [];
  const supervisor = new Supervisor({
    initialDelayMs: 10,
    maxDelayMs: 40,
    crashLoopExits: 5,
    crashLoopWindowMs: 60_000,
    onEvent: (e) => events.push(e),
  });
  const start = async () => {
    const proc = child("flaky", 3);
    await until("it ran", () => proc.lines.includes("failing"));
    return proc;
  };
  supervisor.watch("flaky", await start(), start);
  await until("the crash loop", () => events.some((e) => e.kind === "crash-loop"));
  const delays = events.filter((e) => e.kind === "restarting").map((e) => (e as { delayMs: number }).delayMs);
  assert.deepEqual(delays, [10, 20, 40, 40], "doubling, capped");
  const exits = events.filter((e) => e.kind === "exited");
  assert.equal(exits.length, 5);
  assert.ok(exits.every((e) => (e as { how: string }).how === "exit code 3"));
  const loop = events.at(-1) as Extract<SupervisorEvent, { kind: "crash-loop" }>;
  assert.equal(loop.kind, "crash-loop");
  assert.equal(loop.exits, 5);
  assert.deepEqual(loop.lastLines, ["failing"]);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(events.at(-1), loop, "no restart after the crash loop");
  supervisor.stop();
});

test("a replacement that fails to start counts as an exit and is retried", async () => {
  const events: SupervisorEvent[] = [];
  const supervisor = new Supervisor({ initialDelayMs: 10, onEvent: (e) => events.push(e) });
  const first = child("svc");
  await until("first output", () => first.lines.includes("up"));
  let attempts = 0;
  let good: Proc | undefined;
  supervisor.watch("svc", first, async () => {
    if (++attempts === 1) throw new Error("did not get ready");
    good = child("svc");
    return good;
  });
  first.child.kill("SIGTERM");
  await until("the second attempt", () => events.some((e) => e.kind === "restarted"));
  assert.deepEqual(
    events.map((e) => e.kind),
    ["exited", "restarting", "restart-failed", "restarting", "restarted"],
  );
  assert.equal((events[0] as { how: string }).how, "signal SIGTERM");
  supervisor.stop();
  await good?.stop();
});
