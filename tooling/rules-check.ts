// The Prometheus configuration's checks behind `npm run check:rules` (scripts/check-rules.ts), all
// done by Debian's promtool (package `prometheus`):
//   1. `promtool check config` on observability/prometheus/prometheus.yml (the compose profile's),
//      which also checks the rule files it names;
//   2. `promtool check rules` on every file of observability/prometheus/rules/;
//   3. `promtool test rules` on every observability/prometheus/tests/*.test.yml: the alerts fire
//      and stay silent on the series written there, the recording rules give the values there.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import type { CheckReport } from "./check-report";
import { ROOT } from "./paths";
import { requireBinary } from "./processes";

export const PROMETHEUS_DIR = path.join(ROOT, "observability", "prometheus");
export const RULES_DIR = path.join(PROMETHEUS_DIR, "rules");
const TESTS_DIR = path.join(PROMETHEUS_DIR, "tests");

/** The repository's rule files, absolute paths, in name order. */
export function ruleFiles(): string[] {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .map((f) => path.join(RULES_DIR, f));
}

function ruleTestFiles(): string[] {
  return readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith(".test.yml"))
    .sort()
    .map((f) => path.join(TESTS_DIR, f));
}

const relative = (files: string[]) => files.map((f) => path.relative(ROOT, f)).join(", ");

export function runRulesChecks(report: CheckReport): void {
  let promtool: string;
  try {
    promtool = requireBinary("promtool", "prometheus");
  } catch (error) {
    report.fail((error as Error).message);
    return;
  }
  const version = spawnSync(promtool, ["--version"], { encoding: "utf8" });
  const versionLine = /version (\S+)/.exec(`${version.stdout}${version.stderr}`)?.[1] ?? "unknown version";
  const checks: { what: string; args: string[] }[] = [
    { what: "promtool check config", args: ["check", "config", path.join(PROMETHEUS_DIR, "prometheus.yml")] },
    { what: "promtool check rules", args: ["check", "rules", ...ruleFiles()] },
    // cwd-independent: promtool resolves a test file's rule_files against the test file.
    { what: "promtool test rules", args: ["test", "rules", ...ruleTestFiles()] },
  ];
  for (const { what, args } of checks) {
    const files = args.filter((a) => a.startsWith(ROOT));
    const result = spawnSync(promtool, args, { cwd: ROOT, encoding: "utf8" });
    const output = `${result.stdout}${result.stderr}`.trim();
    if (result.status === 0) report.ok(`${what} (promtool ${versionLine}): ${relative(files)}`);
    else report.fail(`${what} rejects ${relative(files)}:\n${output}`);
  }
}
