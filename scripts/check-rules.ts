// npm run check:rules: Prometheus' config, rules and rule unit tests (observability/prometheus/),
// checked by promtool (tooling/rules-check.ts). One line per check; exit status 1 if any failed.
// Needs Debian's `prometheus` package (it brings promtool).
import { printedReport } from "../tooling/check-report";
import { runRulesChecks } from "../tooling/rules-check";

const report = printedReport();
runRulesChecks(report);
report.finish("all Prometheus checks passed");
