// One fault case's frame, shared by every file of the fault suite: it times the case, asks
// Prometheus what it saw over the case's window, and keeps the case's row for the report whether
// the case passes or not. Each file makes its own with faultCases() and calls writeReport() last.
import { test } from "node:test";
import type { RunningPrometheus } from "../../tooling/prometheus";
import { activeAlerts, caseMetrics } from "./metrics";
import { recordFaultResults, type CaseResult } from "./report";

export type Outcome = Omit<CaseResult, "id" | "title" | "metrics" | "passed" | "seconds">;

/**
 * `file`: the test file's short name (its rows are kept under it); `observer`: the Prometheus
 * watching the file's stack, once it runs.
 */
export function faultCases(file: string, observer: () => RunningPrometheus | undefined) {
  const results: CaseResult[] = [];
  const startedAt = new Date();

  function faultCase(id: string, title: string, run: (result: Outcome) => Promise<void>, timeoutMs = 180_000) {
    test(`${id} ${title}`, { timeout: timeoutMs }, async () => {
      const prometheus = observer();
      if (!prometheus) throw new Error("the fault suite's Prometheus is not running");
      const started = performance.now();
      const result: Outcome = {
        load: "",
        fault: "",
        sent: 0,
        ok: 0,
        refused: 0,
        lost: 0,
        duplicated: 0,
        recovery: "",
        notes: [],
      };
      const windowStart = Date.now();
      const alertsAtStart = await activeAlerts(prometheus.api);
      let passed = false;
      try {
        await run(result);
        passed = true;
      } catch (error) {
        result.notes.push(`failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        throw error;
      } finally {
        const seconds = (performance.now() - started) / 1000;
        // What Prometheus saw meanwhile; a case's row is kept even if Prometheus cannot say.
        const metrics = await caseMetrics(prometheus.api, windowStart, alertsAtStart).catch((error: unknown) => {
          result.notes.push(`metrics not read: ${error instanceof Error ? error.message : String(error)}`);
          return null;
        });
        results.push({ id, title, ...result, metrics, passed, seconds });
      }
    });
  }

  /** This file's rows, merged with the other files' into test-results/reliability.md. */
  const writeReport = () => recordFaultResults(file, results, startedAt);

  return { faultCase, writeReport };
}
