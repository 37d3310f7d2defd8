// npm test: the suites, in order: unit, integration (real Postgres and Redis, a private stack per
// file), e2e (Playwright, Chromium, through nginx). Ends with one line "N passed, N failed".
//   npm test                  unit, integration and e2e
//   npm test -- unit          one or more suites by name
//   npm run test:faults       the fault suite: traffic while one thing at a time goes wrong (worker
//                             and app killed, Redis stopped, Postgres connections cut, hostile
//                             input); rewrites docs/reliability.md. Bounded to 10 minutes.
//   npm run test:compose      the compose suite: docker-compose.yml built and run on a container
//                             engine (Docker, or podman through .ci/compose/with-podman); opt-in,
//                             since it needs an engine and a few minutes. .ci/run runs all five.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { buildIfNeeded, ROOT } from "./lib/stack";

type Result = { suite: string; passed: number; failed: number; skipped: number; exitCode: number; seconds?: number };

const ALL = ["unit", "integration", "e2e", "faults", "compose"] as const;
const DEFAULT = ["unit", "integration", "e2e"];
const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const suites = ALL.filter((s) => (requested.length ? requested : DEFAULT).includes(s));
if (requested.some((r) => !ALL.includes(r as never))) {
  console.error(`unknown suite in ${requested.join(", ")}; choose from ${ALL.join(", ")}`);
  process.exit(64);
}

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
    child.on("exit", (code) => {
      if (buffer) onLine?.(buffer);
      resolve(code ?? 1);
    });
  });
}

async function nodeSuite(suite: string, dir: string, concurrency: number, fileTimeoutMs = 300_000): Promise<Result> {
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

async function e2eSuite(): Promise<Result> {
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

const started = Date.now();
const results: Result[] = [];
// Logs of the previous run's stacks; this run's stay afterwards for reading.
rmSync(path.join(ROOT, ".test-stacks"), { recursive: true, force: true });
// The local stacks run the local build; the compose suite builds its own image.
if (suites.some((s) => s === "integration" || s === "e2e" || s === "faults"))
  buildIfNeeded((line) => console.log(line));
for (const suite of suites) {
  console.log(`\n=== ${suite} ===`);
  const suiteStarted = Date.now();
  let result: Result;
  if (suite === "unit") result = await nodeSuite("unit", "tests/unit", 4);
  // Each integration file starts its own stack (app, worker, Redis): two at a time on two cores.
  else if (suite === "integration") result = await nodeSuite("integration", "tests/integration", 2);
  else if (suite === "e2e") result = await e2eSuite();
  // One stack, one case at a time (each injects its fault into it); 10 minutes at most.
  else if (suite === "faults") result = await nodeSuite("faults", "tests/faults", 1, 10 * 60_000);
  // One compose project at a time: it publishes fixed ports (8080, 8443). A cold image build alone
  // takes about 5 minutes on two cores.
  else result = await nodeSuite("compose", "tests/compose", 1, 30 * 60_000);
  results.push({ ...result, seconds: (Date.now() - suiteStarted) / 1000 });
}

console.log("\n=== summary ===");
for (const r of results) {
  console.log(
    `${r.suite.padEnd(12)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ""} (${(r.seconds ?? 0).toFixed(0)} s)`,
  );
}
console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || results.some((r) => r.exitCode !== 0) ? 1 : 0);
