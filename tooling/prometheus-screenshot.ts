// The picture in docs/operations.md: Prometheus' own graph of the like → push p99 (the SLO's
// recording rule) and of the likes applied per second, while the seeded bots of `npm run simulate`
// like and unlike. Everything runs here and on loopback: a stack of its own (a fresh seeded
// database, dropped at the end; a private redis-server; nginx in front), Debian's Prometheus beside
// it (tooling/prometheus.ts), the bots through nginx, and Debian's Chromium on Prometheus' UI.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { chromium } from "@playwright/test";
import { DEMO_OPT_IN } from "../server/demo-secrets";
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from "./chromium";
import { nginxOnFreePorts } from "./nginx";
import { ROOT } from "./paths";
import { observeStack } from "./prometheus";
import { runBots } from "./simulate/bots";
import { startStack } from "./stack";

export type PrometheusScreenshotOptions = {
  /** The PNG to write. */
  file: string;
  /** How long the bots run before the picture is taken, in seconds. */
  seconds: number;
  /** The bots' actions per second, all together. */
  rate: number;
  say: (line: string) => void;
};

/** What the picture shows, one graph each, in Prometheus' classic graph page. */
export const SCREENSHOT_QUERIES = [
  "slo:like_to_push_seconds:p99_rate5m",
  "sum(rate(likes_likes_applied_total[30s]))",
] as const;

export async function takePrometheusScreenshot(opts: PrometheusScreenshotOptions): Promise<void> {
  const runDir = path.join(ROOT, ".stack", "prometheus-screenshot");
  await rm(runDir, { recursive: true, force: true });
  await mkdir(path.dirname(opts.file), { recursive: true });
  const stack = await startStack({
    runDir,
    redis: "private",
    seed: true,
    // The bots, not the rate limits, set the pace.
    nginx: nginxOnFreePorts({ apiRatePerSecond: 10_000, apiBurst: 10_000, signinRatePerMinute: 10_000 }),
    // A demo: the seeded bots sign in with the seed's public password.
    env: { LOG_LEVEL: "warn", LIKE_RATE_LIMIT_PER_MINUTE: "100000", [DEMO_OPT_IN]: "true" },
    report: opts.say,
  });
  try {
    const prometheus = await observeStack(stack, { runDir: path.join(runDir, "prometheus") });
    try {
      await prometheus.api.waitForTargetsUp(prometheus.jobs);
      opts.say(`Prometheus at ${prometheus.url}; the bots run for ${opts.seconds} s at ${opts.rate} actions/s`);
      const tally = await runBots({
        url: stack.url,
        rate: opts.rate,
        target: ["alice", "bob", "carol"],
        password: process.env.SEED_PASSWORD || "demo1234",
        stop: AbortSignal.timeout(opts.seconds * 1000),
        say: () => undefined,
      });
      opts.say(tally.summary().split("\n")[0] ?? "bots done");
      // The last scrape and rule evaluation after the run.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await shoot(prometheus.url, opts);
    } finally {
      await prometheus.stop();
    }
  } finally {
    await stack.stop();
  }
}

async function shoot(prometheusUrl: string, opts: PrometheusScreenshotOptions): Promise<void> {
  const range = `${Math.ceil((opts.seconds + 30) / 60)}m`;
  const params = new URLSearchParams();
  SCREENSHOT_QUERIES.forEach((expr, i) => {
    params.set(`g${i}.expr`, expr);
    params.set(`g${i}.tab`, "0"); // the graph, not the table
    params.set(`g${i}.range_input`, range);
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${prometheusUrl}/classic/graph?${params}`);
    // One drawn line per graph: both queries answered.
    await page.locator(".graph_area svg path.line, .graph_area svg path").first().waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      (count) => document.querySelectorAll(".graph_area svg").length >= count,
      SCREENSHOT_QUERIES.length,
      { timeout: 30_000 },
    );
    await page.waitForTimeout(500);
    await page.screenshot({ path: opts.file, fullPage: true });
    opts.say(`written: ${path.relative(ROOT, opts.file)}`);
  } finally {
    await browser.close();
  }
}
