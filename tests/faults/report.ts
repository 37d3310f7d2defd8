// The fault suite's report (every file of tests/faults/), written at the end of every run to
// test-results/reliability.md: one row per case with what it sent, what came back, what was lost
// or doubled, and how long recovery took, on this machine. `npm run report:reliability` runs the
// suite and, when it passes, makes that report the committed docs/reliability.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { nginxVersion } from "../../tooling/nginx";
import { ROOT } from "../../tooling/paths";
import { FAULT_RESULTS_DIR, RELIABILITY_REPORT } from "../../tooling/reports";
import { METRICS_COLUMNS, metricsCells, type CaseMetrics } from "./metrics";

export type CaseResult = {
  id: string;
  title: string;
  load: string;
  fault: string;
  sent: number;
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers, all in the API's JSON shape (the suite fails on any other). */
  refused: number;
  lost: number;
  duplicated: number;
  recovery: string;
  notes: string[];
  /** What Prometheus saw during the case; null if it could not be asked. */
  metrics: CaseMetrics | null;
  passed: boolean;
  seconds: number;
};

function version(command: string, args: string[], pattern: RegExp): string {
  try {
    const out = execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return pattern.exec(out)?.[1] ?? out.trim().split("\n")[0]!;
  } catch {
    return "unknown";
  }
}

export function machine(): string[] {
  const cpus = os.cpus();
  return [
    `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`,
    `Node ${process.version}, Postgres ${version("psql", ["--version"], /(\d+\.\d+)/)}, Redis ${version("redis-server", ["--version"], /v=(\S+)/)}, ${nginxVersion()}`,
  ];
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

type FileResults = { file: string; startedAt: string; results: CaseResult[] };

/** Case ids in their order: R2 before R10. */
const byCaseId = (a: CaseResult, b: CaseResult) => a.id.localeCompare(b.id, "en", { numeric: true });

/**
 * Keeps one file's rows, then writes the report from every file's rows recorded so far (the files
 * run one after another; the last one's report holds them all).
 */
export function recordFaultResults(file: string, results: CaseResult[], startedAt: Date): void {
  mkdirSync(FAULT_RESULTS_DIR, { recursive: true });
  const own: FileResults = { file, startedAt: startedAt.toISOString(), results };
  writeFileSync(path.join(FAULT_RESULTS_DIR, `${file}.json`), JSON.stringify(own, null, 2));
  const all = readdirSync(FAULT_RESULTS_DIR)
    .filter((name) => name.endsWith(".json"))
    .map((name) => JSON.parse(readFileSync(path.join(FAULT_RESULTS_DIR, name), "utf8")) as FileResults);
  const earliest = all.map((f) => f.startedAt).sort()[0] ?? own.startedAt;
  writeReliabilityReport(RELIABILITY_REPORT.written, all.flatMap((f) => f.results).sort(byCaseId), new Date(earliest));
  console.log(`fault report: ${path.relative(ROOT, RELIABILITY_REPORT.written)}`);
}

export function writeReliabilityReport(file: string, results: CaseResult[], startedAt: Date): void {
  const passed = results.filter((r) => r.passed).length;
  const lines = [
    "# Reliability: the fault suite's last run",
    "",
    "Written by `npm run report:reliability` (the fault suite, `tests/faults/`); do not edit by hand.",
    "Each case starts traffic against a stack of its own (a fresh database, its own `redis-server`, the",
    "app, a worker, nginx in front; `npm run stack`'s supervisor restarts what dies), injects one fault,",
    "then counts. **Lost**: a request answered 2xx whose effect (the like, its notification, its push",
    "to the online owner) never arrived. **Duplicated**: a push the owner's socket received twice.",
    "**Refused**: non-2xx answers, every one of them in the API's JSON error shape.",
    "",
    `Run ${startedAt.toISOString()}: ${passed} of ${results.length} cases passed.`,
    "",
    ...machine().map((m) => `- ${m}`),
    "",
    "| case | load | fault injected | sent | 2xx | refused (JSON) | lost | duplicated | recovery | result |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ...results.map(
      (r) =>
        `| ${r.id} ${cell(r.title)} | ${cell(r.load)} | ${cell(r.fault)} | ${r.sent} | ${r.ok} | ${r.refused} | ${r.lost} | ${r.duplicated} | ${cell(r.recovery)} | ${r.passed ? "pass" : "**FAIL**"} (${r.seconds.toFixed(1)} s) |`,
    ),
    "",
    "## What the faults did to the metrics",
    "",
    "Prometheus (Debian's, beside the suite's stack) scraped the app, the worker, nginx, Postgres and Redis every",
    "second and evaluated the repository's alert rules (`observability/prometheus/rules/`); after each case the",
    "suite asked it about the case's window. Counts are `increase()` over the window, rounded (Prometheus",
    "extrapolates to the window's edges); a scrape missed is about a second a process could not be read.",
    "What each metric means: `docs/operations.md`.",
    "",
    `| case | ${METRICS_COLUMNS.join(" | ")} |`,
    `| --- | ${METRICS_COLUMNS.map(() => "---").join(" | ")} |`,
    ...results.map(
      (r) =>
        `| ${r.id} | ${(r.metrics ? metricsCells(r.metrics) : METRICS_COLUMNS.map(() => "not read")).map(cell).join(" | ")} |`,
    ),
    "",
    "## Notes per case",
    "",
    ...results.flatMap((r) => [`### ${r.id} ${r.title}`, "", ...r.notes.map((n) => `- ${n}`), ""]),
  ];
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.join("\n"));
}
