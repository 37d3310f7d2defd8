// The test runners behind `npm test` (scripts/test.ts): node's test runner over a folder of
// *.test.ts files, and Playwright, each read back into one count of passed, failed and skipped.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

export type SuiteResult = { suite: string; passed: number; failed: number; skipped: number; exitCode: number };

function testFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join(dir, f));
}

function run(command: string, args: string[], onLine?: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      lines.forEach((l) => onLine?.(l));
    });
    // "close", not "exit": the runner's last lines (its counts) may still be in the pipe at exit.
    child.on("close", (code) => {
      if (buffer) onLine?.(buffer);
      resolve(code ?? 1);
    });
  });
}

export async function nodeSuite(
  suite: string,
  dir: string,
  concurrency: number,
  fileTimeoutMs = 300_000,
): Promise<SuiteResult> {
  const files = testFiles(dir);
  const counts = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
  if (!files.length) return { suite, passed: 0, failed: 0, skipped: 0, exitCode: 0 };
  const exitCode = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-reporter=spec",
      `--test-concurrency=${concurrency}`,
      `--test-timeout=${fileTimeoutMs}`,
      ...files,
    ],
    (line) => {
      // The spec reporter's summary: "ℹ pass 12", "ℹ fail 0", …
      const m = /^ℹ (pass|fail|skipped|todo|cancelled) (\d+)$/.exec(line.trim());
      if (m) counts[m[1] as keyof typeof counts] = Number(m[2]);
    },
  );
  const failed = counts.fail + counts.cancelled;
  return {
    suite,
    passed: counts.pass,
    failed: failed || (exitCode ? 1 : 0),
    skipped: counts.skipped + counts.todo,
    exitCode,
  };
}

export async function e2eSuite(): Promise<SuiteResult> {
  const report = path.join(ROOT, "test-results", "e2e-results.json");
  rmSync(report, { force: true });
  const exitCode = await run(process.execPath, [
    path.join(ROOT, "node_modules", "@playwright", "test", "cli.js"),
    "test",
  ]);
  if (!existsSync(report)) return { suite: "e2e", passed: 0, failed: 1, skipped: 0, exitCode: exitCode || 1 };
  const { stats } = JSON.parse(readFileSync(report, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  // A flaky test passed on retry; it still counts as a pass but is shown.
  if (stats.flaky) console.log(`e2e: ${stats.flaky} test(s) passed only on retry`);
  return {
    suite: "e2e",
    passed: stats.expected + stats.flaky,
    failed: stats.unexpected,
    skipped: stats.skipped,
    exitCode,
  };
}
