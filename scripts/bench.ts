// npm run bench: the like's cost, the app beside its floor (node:http + pg, the same SQL) and
// pgbench, in six cases (bench/, docs/benchmarks.md says what each measures).
//   npm run bench                  full run; the report goes to bench-results/latest.md
//   npm run bench -- --write-docs  full run that also refreshes docs/benchmarks.md and its chart
//   npm run bench -- --quick       every case, tiny: bench-results/quick.md (CI runs this)
//   npm run bench -- --profile     also V8 CPU profiles of the app and the worker, summarized at the
//                                  end (bench/profile.ts) and kept in bench-results/
// It starts everything it measures and removes it afterwards, even on failure or Ctrl-C.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { consoleReport } from "../bench/report";
import { Cleanups, runBench } from "../bench/run";
import { writeBenchReports, writeProfileSummaries } from "../bench/write-reports";
import { buildIfNeeded } from "../tooling/next-build";

const USAGE = "usage: npm run bench -- [--quick | --write-docs] [--profile]";
let flags: { quick?: boolean; "write-docs"?: boolean; profile?: boolean };
try {
  ({ values: flags } = parseArgs({
    options: { quick: { type: "boolean" }, "write-docs": { type: "boolean" }, profile: { type: "boolean" } },
    strict: true,
  }));
} catch (error) {
  console.error(`bench: ${(error as Error).message}\n${USAGE}`);
  process.exit(64);
}
const quick = flags.quick ?? false;
const writeDocs = flags["write-docs"] ?? false;
if (quick && writeDocs) {
  console.error(`bench: the committed report holds a full run's figures; --write-docs goes without --quick\n${USAGE}`);
  process.exit(64);
}

const started = performance.now();
const log = (line: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const cleanups = new Cleanups();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    void cleanups.run().finally(() => process.exit(130));
  });
}
const profileDir = flags.profile ? mkdtempSync(path.join(tmpdir(), "likes-bench-profiles-")) : null;
const probeDir = mkdtempSync(path.join(tmpdir(), "likes-bench-probe-"));
cleanups.add(async () => rmSync(probeDir, { recursive: true, force: true }));

let exitCode = 0;
try {
  buildIfNeeded(log);
  const results = await runBench({ quick, profileDir, probeDir, log }, cleanups);
  console.log(consoleReport(results));
  log(`wrote ${writeBenchReports(results, { writeDocs }).join(", ")}`);
} catch (error) {
  console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  exitCode = 1;
} finally {
  await cleanups.run();
}
if (profileDir) {
  // Each process writes its profile as it exits: the stack has stopped them gracefully above.
  writeProfileSummaries(profileDir, quick);
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(exitCode);
