// npm run check:config: validates the deployment configuration without a Docker engine: nginx -t
// on the rendered templates, docker-compose config and what it does not catch, the image's
// runtime packages, its build context and its runtime stage (tooling/config-checks.ts lists each).
// One line per check; exit status 1 if any failed. CI needs: nginx-light, docker-compose
// (which brings python3-yaml, used to read the YAML), openssl.
//   npm run check:config [-- other-compose-file.yml]
import path from "node:path";
import { printedReport } from "../tooling/check-report";
import { runConfigChecks } from "../tooling/config-checks";
import { ROOT } from "../tooling/paths";

// A different compose file may be named on the command line (used to test the checks).
const composeFile = path.resolve(process.argv[2] ?? path.join(ROOT, "docker-compose.yml"));
const report = printedReport();
await runConfigChecks(composeFile, report);
report.finish("all configuration checks passed");
