// npm test: the suites, in order: unit, integration (real Postgres and Redis, a private stack per
// file), e2e (Playwright, Chromium, through nginx). Ends with one line "N passed, N failed".
//   npm test                  unit, integration and e2e
//   npm test -- unit          one or more suites by name
//   npm run test:faults       the fault suite: traffic while one thing at a time goes wrong (worker
//                             and app killed, Redis stopped, Postgres connections cut, hostile
//                             input); its counts go to test-results/reliability.md. Bounded to
//                             10 minutes.
//   npm run report:reliability  the fault suite with --write-docs: when it passes, its report
//                             becomes the committed docs/reliability.md.
//   npm run test:compose      the compose suite: docker-compose.yml built and run on a container
//                             engine (Docker, or podman through .ci/compose/with-podman); opt-in,
//                             since it needs an engine and a few minutes. .ci/run runs all five.
import { rmSync } from "node:fs";
import path from "node:path";
import { buildIfNeeded } from "../tooling/next-build";
import { ROOT } from "../tooling/paths";
import { FAULT_RESULTS_DIR, RELIABILITY_REPORT, refreshCommittedCopy } from "../tooling/reports";
import { e2eSuite, nodeSuite, type SuiteResult } from "../tooling/test-suites";

const ALL = ["unit", "integration", "e2e", "faults", "compose"] as const;
const DEFAULT = ["unit", "integration", "e2e"];
const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const suites = ALL.filter((s) => (requested.length ? requested : DEFAULT).includes(s));
if (requested.some((r) => !ALL.includes(r as never))) {
  console.error(`unknown suite in ${requested.join(", ")}; choose from ${ALL.join(", ")}`);
  process.exit(64);
}
const writeDocs = process.argv.includes("--write-docs");
if (writeDocs && !suites.includes("faults")) {
  console.error("--write-docs refreshes docs/reliability.md from the fault suite: run it with `faults`");
  process.exit(64);
}

/** docs/reliability.md from this run's report, if every case passed. */
function refreshReliabilityDoc(faults: SuiteResult): void {
  const committed = path.relative(ROOT, RELIABILITY_REPORT.committed);
  if (faults.failed > 0 || faults.exitCode !== 0) console.log(`${committed} left as it was: the fault suite failed`);
  else if (refreshCommittedCopy(RELIABILITY_REPORT)) console.log(`${committed} refreshed from this run`);
  else console.log(`${committed} left as it was: the fault suite wrote no report`);
}

const started = Date.now();
const results: (SuiteResult & { seconds: number })[] = [];
// Logs of the previous run's stacks; this run's stay afterwards for reading.
rmSync(path.join(ROOT, ".test-stacks"), { recursive: true, force: true });
// The local stacks run the local build; the compose suite builds its own image.
if (suites.some((s) => s === "integration" || s === "e2e" || s === "faults"))
  buildIfNeeded((line) => console.log(line));
for (const suite of suites) {
  console.log(`\n=== ${suite} ===`);
  const suiteStarted = Date.now();
  let result: SuiteResult;
  if (suite === "unit") result = await nodeSuite("unit", "tests/unit", 4);
  // Each integration file starts its own stack (app, worker, Redis): two at a time on two cores.
  else if (suite === "integration") result = await nodeSuite("integration", "tests/integration", 2);
  else if (suite === "e2e") result = await e2eSuite();
  // One stack, one case at a time (each injects its fault into it); 10 minutes at most.
  else if (suite === "faults") {
    rmSync(FAULT_RESULTS_DIR, { recursive: true, force: true }); // rows of an earlier run's files
    result = await nodeSuite("faults", "tests/faults", 1, 10 * 60_000);
  }
  // One compose project at a time: it publishes fixed ports (8080, 8443). A cold image build alone
  // takes about 5 minutes on two cores.
  else result = await nodeSuite("compose", "tests/compose", 1, 30 * 60_000);
  results.push({ ...result, seconds: (Date.now() - suiteStarted) / 1000 });
  if (suite === "faults" && writeDocs) refreshReliabilityDoc(result);
}

console.log("\n=== summary ===");
for (const r of results) {
  console.log(
    `${r.suite.padEnd(12)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ""} (${r.seconds.toFixed(0)} s)`,
  );
}
console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || results.some((r) => r.exitCode !== 0) ? 1 : 0);
