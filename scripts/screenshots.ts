// npm run screenshots: refreshes docs/screenshots/ (the README shows home.png) from the app as it
// is now. Runs e2e/screenshots.spec.ts, which always attaches every page in light and dark, desktop
// and phone, to its test results; SCREENSHOTS_DIR tells it to also write the desktop light ones
// here. Twice, each on a fresh stack (e2e/global-setup.ts, building the app first if needed): the
// seeded world alone first, so the README's feed shows the seed's people and no test's photos;
// then every page.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "../tooling/paths";
import { SEEDED_WORLD_TEST } from "../tooling/screenshots";

const dir = path.join(ROOT, "docs", "screenshots");

function playwright(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["playwright", "test", "e2e/screenshots.spec.ts", ...args, ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, SCREENSHOTS_DIR: dir, NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const code =
  (await playwright(["--grep", SEEDED_WORLD_TEST])) || (await playwright(["--grep-invert", SEEDED_WORLD_TEST]));
if (code === 0) console.log(`screenshots written to ${path.relative(ROOT, dir)}/`);
process.exit(code);
