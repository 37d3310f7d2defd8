// npm run screenshots: refreshes docs/screenshots/ (the README shows feed.png) from the app as it is
// now. Runs e2e/screenshots.spec.ts, which always attaches every page in light and dark, desktop
// and phone, to its test results; SCREENSHOTS_DIR tells it to also write the desktop light ones
// here. The spec starts its own stack (e2e/global-setup.ts), building the app first if needed.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./lib/stack";

const dir = path.join(ROOT, "docs", "screenshots");
const child = spawn("npx", ["playwright", "test", "e2e/screenshots.spec.ts", ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, SCREENSHOTS_DIR: dir, NEXT_TELEMETRY_DISABLED: "1" },
});
child.on("exit", (code, signal) => {
  if (code === 0) console.log(`screenshots written to ${path.relative(ROOT, dir)}/`);
  process.exit(code ?? (signal ? 1 : 0));
});
