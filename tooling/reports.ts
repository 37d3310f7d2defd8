// Reports that a run writes and the repository keeps a copy of. A run writes its report to an
// ignored folder; the committed copy in docs/ changes only when a run is asked to refresh it, so
// running the tests leaves the checkout as it was.
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

export type KeptReport = {
  /** What every run writes (ignored by git). */
  written: string;
  /** The copy in docs/, refreshed on request. */
  committed: string;
};

/** Where each file of the fault suite keeps its rows for the report; emptied before the suite runs. */
export const FAULT_RESULTS_DIR = path.join(ROOT, "test-results", "reliability");

/** The fault suite's counts per case (tests/faults/). */
export const RELIABILITY_REPORT: KeptReport = {
  written: path.join(ROOT, "test-results", "reliability.md"),
  committed: path.join(ROOT, "docs", "reliability.md"),
};

/** Copies the run's report over the committed one; false when the run wrote none. */
export function refreshCommittedCopy(report: KeptReport): boolean {
  if (!existsSync(report.written)) return false;
  copyFileSync(report.written, report.committed);
  return true;
}
