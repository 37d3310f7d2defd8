// tooling/processes.ts's spawnProc: what a process prints goes to its log file, including lines
// read after its exit event (Node emits "exit" while the pipes may still hold output).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { spawnProc } from "../../tooling/processes";

const dir = mkdtempSync(path.join(tmpdir(), "likes-processes-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("lines that arrive after the process exited still reach its log, and nothing is written to an ended log", async () => {
  const logFile = path.join(dir, "late.log");
  // The process exits at once; the child it leaves behind holds its stdout and prints 200 ms later.
  const late = `setTimeout(() => console.log("late line"), 200)`;
  const script = `require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(late)}], { stdio: ["ignore", "inherit", "inherit"] }).unref(); console.log("first line");`;
  const errors: unknown[] = [];
  const onUncaught = (error: unknown) => errors.push(error);
  process.on("uncaughtException", onUncaught);
  try {
    const proc = spawnProc("exits-early", process.execPath, ["-e", script], { logFile });
    const closed = new Promise<void>((resolve) => proc.child.once("close", () => resolve()));
    assert.equal(await proc.exited, 0);
    assert.deepEqual(proc.lines, ["first line"], "the late line is still to come when the process exits");
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the log's last write reaches the file
    assert.deepEqual(proc.lines, ["first line", "late line"]);
    assert.equal(readFileSync(logFile, "utf8"), "first line\nlate line\n");
    assert.deepEqual(errors, []);
  } finally {
    process.off("uncaughtException", onUncaught);
  }
});
