// npm run screenshots:prometheus: refreshes docs/screenshots/prometheus-like-to-push.png, the
// picture in docs/operations.md: Prometheus' graph of the like → push p99 and of the likes per
// second while the seeded bots like and unlike (tooling/prometheus-screenshot.ts).
//   npm run screenshots:prometheus -- --seconds=120 --rate=20
import path from "node:path";
import { parseArgs } from "node:util";
import { buildIfNeeded } from "../tooling/next-build";
import { ROOT } from "../tooling/paths";
import { takePrometheusScreenshot } from "../tooling/prometheus-screenshot";

const { values } = parseArgs({ options: { seconds: { type: "string" }, rate: { type: "string" } } });
const seconds = Number(values.seconds ?? 120);
const rate = Number(values.rate ?? 20);
if (!(seconds > 0 && seconds <= 600) || !(rate > 0 && rate <= 100)) {
  console.error("usage: npm run screenshots:prometheus -- [--seconds=1..600] [--rate=1..100]");
  process.exit(64);
}
const say = (line: string) => console.log(line);
buildIfNeeded(say);
await takePrometheusScreenshot({
  file: path.join(ROOT, "docs", "screenshots", "prometheus-like-to-push.png"),
  seconds,
  rate,
  say,
});
process.exit(0);
