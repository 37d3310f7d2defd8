// npm run check:rules: Prometheus' config, rules and rule unit tests (observability/prometheus/),
// checked by promtool (tooling/rules-check.ts). One line per check; exit status 1 if any failed.
// Needs Debian's `prometheus` package (it brings promtool).
import { runRulesChecks } from "../tooling/rules-check";

let failures = 0;
runRulesChecks({
  ok: (message) => console.log(`ok    ${message}`),
  fail: (message) => {
    failures++;
    console.log(`FAIL  ${message}`);
  },
});
console.log(failures ? `\n${failures} check(s) failed` : "\nall Prometheus checks passed");
process.exit(failures ? 1 : 0);
