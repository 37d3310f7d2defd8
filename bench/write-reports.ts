// Where a bench run's report goes. By default into bench-results/ (ignored by git): quick.md for
// --quick, latest.md for a full run, each with its P2 chart and the results as JSON. The committed
// docs/benchmarks.md and docs/benchmarks-p2.svg change only when a full run is asked to refresh
// them (--write-docs). A report keeps the hand-written profiles section of the one it replaces.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../tooling/paths";
import { formatProfile, summarizeProfile } from "./profile";
import { markdownReport, p2Svg } from "./report";
import type { BenchResults } from "./results";

export const RESULTS_DIR = path.join(ROOT, "bench-results");
const DOCS_REPORT = path.join(ROOT, "docs", "benchmarks.md");

/** Writes the report, its chart and the JSON; returns the files written, relative to the root. */
export function writeBenchReports(results: BenchResults, { writeDocs }: { writeDocs: boolean }): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = results.mode === "quick" ? "quick" : "latest";
  const json = path.join(RESULTS_DIR, `${name}.json`);
  const markdown = writeDocs ? DOCS_REPORT : path.join(RESULTS_DIR, `${name}.md`);
  const svg = writeDocs ? path.join(ROOT, "docs", "benchmarks-p2.svg") : path.join(RESULTS_DIR, `${name}-p2.svg`);
  // A full run keeps the committed report's profiles section, so latest.md is what --write-docs would write.
  const keepFrom = results.mode === "quick" ? markdown : DOCS_REPORT;
  writeFileSync(json, JSON.stringify(results, null, 2));
  writeFileSync(svg, p2Svg(results));
  writeFileSync(markdown, markdownReport(results, { svgFile: path.basename(svg), existingPath: keepFrom }));
  return [markdown, svg, json].map((file) => path.relative(ROOT, file));
}

/**
 * The CPU profiles each process wrote as it exited, summarized: the summary is printed, and the
 * summary and the profile are kept in bench-results/ (profile-[quick-]<app|worker>.txt/.cpuprofile).
 */
export function writeProfileSummaries(profileDir: string, quick: boolean): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"))) {
    const name = file.split("-")[0]!; // app or worker
    const profile = JSON.parse(readFileSync(path.join(profileDir, file), "utf8"));
    const text = formatProfile(`${name} (${file})`, summarizeProfile(profile, 20));
    console.log(`\n${text}`);
    const kept = path.join(RESULTS_DIR, `profile-${quick ? "quick-" : ""}${name}`);
    writeFileSync(`${kept}.txt`, `${text}\n`);
    copyFileSync(path.join(profileDir, file), `${kept}.cpuprofile`);
  }
}
