// npm run bench [-- --quick]: issue 15's benchmark. Measures, side by side in one run, the app
// through nginx, a floor server (node:http + pg, the app's SQL; bench/floor-server.ts) direct and
// through nginx, and pgbench on the same statements, in five cases (bench/cases/p1…p5), then
// writes docs/benchmarks.md with its chart (full run) or bench-results/quick.md (--quick, CI).
// It starts everything it measures and removes it afterwards, even on failure or Ctrl-C.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { nginxOnFreePorts, PASSWORD, signedInClient, startTestStack, type TestStack } from "../tests/support/harness";
import { applyMigrations } from "./lib/migrations";
import { ROOT, buildIfNeeded, dropDatabase } from "./lib/stack";
import { runP1 } from "../bench/cases/p1-like-throughput";
import { formatProfile, summarizeProfile } from "../bench/profile";
import { postsFor, runP2 } from "../bench/cases/p2-like-latency";
import { runP3 } from "../bench/cases/p3-optimistic-heart";
import { runP4 } from "../bench/cases/p4-feed";
import { runP5 } from "../bench/cases/p5-idle-sockets";
import { warmUp } from "../bench/cases/warmup";
import { LoadClient } from "../bench/client";
import { appPoolSize, benchConfig } from "../bench/config";
import type { BenchContext } from "../bench/context";
import { startFloor, type Floor } from "../bench/floor";
import { describeMachine } from "../bench/machine";
import { consoleReport, markdownReport, p2Svg } from "../bench/report";
import type { BenchResults } from "../bench/results";
import { plan, seed } from "../bench/seed";
import { SqlSampler } from "../bench/sql-check";
import { FEED_POSTS_SQL, feedAuthorsSql, feedLikesSql, likeQuery } from "../bench/sql";

const quick = process.argv.includes("--quick");
// --profile: V8 CPU profiles of the app and the worker for the whole run (bench/profile-probe.mjs),
// summarized at the end (bench/profile.ts) and kept in bench-results/ as .cpuprofile files.
const profileDir = process.argv.includes("--profile")
  ? mkdtempSync(path.join(tmpdir(), "likes-bench-profiles-"))
  : null;
const config = benchConfig(quick);
const started = performance.now();
const startedAt = new Date().toISOString();
const log = (line: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const poolSize = appPoolSize(ROOT);
buildIfNeeded(log);

// Cleanups run in reverse order of creation, once, whether the run ends, fails or is interrupted.
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | null = null;
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((error: unknown) => console.error("cleanup:", error instanceof Error ? error.message : error));
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// No limit must refuse the bench: every user comes from 127.0.0.1 (documented in the report).
const OPEN_RATES = { apiRatePerSecond: 1_000_000, apiBurst: 1_000_000 };
const probeDir = mkdtempSync(path.join(tmpdir(), "likes-bench-probe-"));
cleanups.push(async () => rmSync(probeDir, { recursive: true, force: true }));

let exitCode = 0;
try {
  log(`starting the stack (${quick ? "quick" : "full"} run)`);
  const stack: TestStack = await startTestStack("bench", {
    env: {
      LOG_LEVEL: "warn",
      LIKE_RATE_LIMIT_PER_MINUTE: "100000000",
      // The production defaults, not the test suites' faster relay (tests/support/harness.ts).
      OUTBOX_RELAY_INTERVAL_MS: "2000",
      OUTBOX_RELAY_GRACE_MS: "3000",
      NODE_OPTIONS: [
        process.env.NODE_OPTIONS ?? "",
        `--import ${path.join(ROOT, "bench", "memory-probe.mjs")}`,
        profileDir ? `--import ${path.join(ROOT, "bench", "profile-probe.mjs")}` : "",
      ]
        .join(" ")
        .trim(),
      ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}),
      BENCH_PROBE_DIR: probeDir,
    },
    nginx: nginxOnFreePorts({ ...OPEN_RATES, signinRatePerMinute: 1_000_000, signinBurst: 100_000 }),
  });
  cleanups.push(() => stack.stop());

  // The floor's own database: the app's outbox relay must never see the floor's likes.
  const floorDatabaseUrl = `${stack.databaseUrl}_floor`;
  cleanups.push(() => dropDatabase(floorDatabaseUrl));
  await applyMigrations(floorDatabaseUrl);
  const p2Posts = config.p2.rates.reduce((sum, rate) => sum + postsFor(rate, config.p2.durationMs, config.likers), 0);
  const world = plan(config.likers, config.p1Posts, p2Posts, PASSWORD);
  await seed(stack.databaseUrl, world);
  await seed(floorDatabaseUrl, world);
  log(
    `seeded ${world.likers.length + 2} users, ${world.p1Posts.length + world.p2Posts.length + world.feedPosts.length} posts in both databases`,
  );

  const floor: Floor = await startFloor({
    databaseUrl: floorDatabaseUrl,
    poolMax: poolSize,
    runDir: stack.runDir,
    nginxRates: OPEN_RATES,
  });
  cleanups.push(() => floor.stop());

  // Sign in the way a browser does (next-auth's csrf + credentials callback, through nginx).
  const cookies = new Map<string, string>();
  const toSignIn = [world.owner, ...world.likers];
  for (let i = 0; i < toSignIn.length; i += 4) {
    await Promise.all(
      toSignIn.slice(i, i + 4).map(async (u) => {
        const client = await signedInClient(stack.url, { id: u.id, username: u.username, name: u.username });
        cookies.set(u.id, client.cookieHeader());
      }),
    );
  }
  log(`signed in ${cookies.size} users`);

  const backlogPool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  backlogPool.on("error", () => undefined);
  cleanups.push(() => backlogPool.end());
  const client = await LoadClient.start();
  cleanups.push(() => client.stop());

  const ctx: BenchContext = {
    config,
    root: ROOT,
    stack,
    appUrl: stack.url.replace("//localhost:", "//127.0.0.1:"),
    floor,
    floorDatabaseUrl,
    poolSize,
    client,
    world,
    cookies,
    backlog: async () =>
      (
        await backlogPool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "OutboxEvent" WHERE "processedAt" IS NULL`,
        )
      ).rows[0]!.n,
    probeDir,
    log,
  };

  const sampler = new SqlSampler(backlogPool, stack.databaseUrl);
  cleanups.push(() => sampler.stop());

  await warmUp(ctx);
  const p1 = await runP1(ctx);
  const p2 = await runP2(ctx);
  const p4 = await runP4(ctx);
  log(`P3 optimistic heart in Chromium, ${config.p3.clicks} clicks`);
  const p3 = await runP3(ctx);
  const p5 = await runP5(ctx);

  await sampler.stop();
  const feedRows = 11; // a page of 10, plus the one that tells whether another page exists
  const sqlChecks = sampler.check([
    // The trace comment is dropped by the comparison: any traceparent will do.
    { name: "like", sql: likeQuery(true, { userId: "", postId: "", eventId: "", trace: null, traceparent: "" }).text },
    {
      name: "unlike",
      sql: likeQuery(false, { userId: "", postId: "", eventId: "", trace: null, traceparent: "" }).text,
    },
    { name: "feed posts", sql: FEED_POSTS_SQL },
    { name: "feed authors", sql: feedAuthorsSql(feedRows) },
    { name: "feed likes", sql: feedLikesSql(feedRows) },
  ]);
  const differing = sqlChecks.filter((c) => c.status === "differs");
  if (differing.length)
    throw new Error(`the app ran different SQL than bench/sql.ts for: ${differing.map((d) => d.statement).join(", ")}`);

  const results: BenchResults = {
    mode: quick ? "quick" : "full",
    startedAt,
    wallSeconds: Math.round((performance.now() - started) / 1000),
    machine: await describeMachine(ROOT, stack.databaseUrl),
    poolSize,
    sqlChecks,
    p1,
    p2,
    p3,
    p4,
    p5,
  };
  console.log(consoleReport(results));

  const outDir = path.join(ROOT, "bench-results");
  mkdirSync(outDir, { recursive: true });
  if (quick) {
    // CI's run: never rewrites the committed docs.
    writeFileSync(path.join(outDir, "quick.json"), JSON.stringify(results, null, 2));
    writeFileSync(path.join(outDir, "quick-p2.svg"), p2Svg(results));
    writeFileSync(
      path.join(outDir, "quick.md"),
      markdownReport(results, { svgFile: "quick-p2.svg", existingPath: path.join(outDir, "quick.md") }),
    );
    log("wrote bench-results/quick.md, quick-p2.svg, quick.json");
  } else {
    const docs = path.join(ROOT, "docs", "benchmarks.md");
    writeFileSync(path.join(outDir, "latest.json"), JSON.stringify(results, null, 2));
    writeFileSync(path.join(ROOT, "docs", "benchmarks-p2.svg"), p2Svg(results));
    writeFileSync(docs, markdownReport(results, { svgFile: "benchmarks-p2.svg", existingPath: docs }));
    log("wrote docs/benchmarks.md, docs/benchmarks-p2.svg, bench-results/latest.json");
  }
} catch (error) {
  console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  exitCode = 1;
} finally {
  await cleanUp();
}
if (profileDir) {
  // Written by each process as it exits (the stack stopped them gracefully above).
  const outDir = path.join(ROOT, "bench-results");
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"))) {
    const name = file.split("-")[0]!; // app or worker
    const profile = JSON.parse(readFileSync(path.join(profileDir, file), "utf8"));
    const text = formatProfile(`${name} (${file})`, summarizeProfile(profile, 20));
    console.log(`\n${text}`);
    writeFileSync(path.join(outDir, `profile-${quick ? "quick-" : ""}${name}.txt`), `${text}\n`);
    copyFileSync(path.join(profileDir, file), path.join(outDir, `profile-${quick ? "quick-" : ""}${name}.cpuprofile`));
  }
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(exitCode);
