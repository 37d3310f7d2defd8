// One bench run, start to end: the app's stack and the floor (each with a database of its own,
// seeded with the same world), the users signed in, the load client, the six cases, and the check
// that the app ran the very SQL the floor copies. Everything it starts goes into `cleanups`, which
// the caller runs however the run ends (scripts/bench.ts).
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { ApiClient } from "../tooling/api-client";
import { applyMigrations } from "../tooling/migrations";
import { nginxOnFreePorts } from "../tooling/nginx";
import { ROOT } from "../tooling/paths";
import { dropDatabase } from "../tooling/postgres";
import { startStack, type Stack } from "../tooling/stack";
import { runP1 } from "./cases/p1-like-throughput";
import { postsFor, runP2 } from "./cases/p2-like-latency";
import { runP3 } from "./cases/p3-optimistic-heart";
import { runP4 } from "./cases/p4-feed";
import { runP5 } from "./cases/p5-idle-sockets";
import { runP6 } from "./cases/p6-metrics-cost";
import { p7PostCount, runP7 } from "./cases/p7-redis-commands";
import { warmUp } from "./cases/warmup";
import { LoadClient } from "./client";
import { appPoolSize, BENCH_STACK_ENV, benchConfig, OPEN_NGINX, OPEN_RATES } from "./config";
import type { BenchContext } from "./context";
import { buildNextFloor, startFloor, type Floor } from "./floor";
import { describeMachine } from "./machine";
import type { BenchResults } from "./results";
import { BENCH_PASSWORD, plan, seed, type World } from "./seed";
import { SqlSampler, type SqlCheck } from "./sql-check";
import { feedQuery, likeQuery } from "./sql";

/** Undo steps, run in reverse order of creation, once, whether the run ends, fails or is interrupted. */
export class Cleanups {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | null = null;
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const step of this.steps.reverse())
        await step().catch((error: unknown) =>
          console.error("cleanup:", error instanceof Error ? error.message : error),
        );
    })());
  }
}

export type BenchRunOptions = {
  quick: boolean;
  /** Where the app and the worker write their V8 CPU profiles (bench/profile-probe.mjs); null: none. */
  profileDir: string | null;
  /** Where the app's memory probe writes (bench/memory-probe.mjs). */
  probeDir: string;
  log: (line: string) => void;
};

export async function runBench(
  { quick, profileDir, probeDir, log }: BenchRunOptions,
  cleanups: Cleanups,
): Promise<BenchResults> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const config = benchConfig(quick);
  const poolSize = appPoolSize(ROOT);
  log(`starting the stack (${quick ? "quick" : "full"} run), building the Next.js floor meanwhile`);
  // The Next.js floor builds while the stack starts, the databases are seeded and the users sign
  // in: nothing is measured yet.
  const nextFloorBuild = buildNextFloor(path.join(probeDir, "next-floor-build.log"));
  cleanups.add(() => nextFloorBuild.stop());
  const stack = await startAppStack(profileDir, probeDir, cleanups);

  // P2's posts, then P7's (the last ones): every like of both owes a notification.
  const p2Posts =
    config.p2.rates.reduce((sum, rate) => sum + postsFor(rate, config.p2.durationMs, config.likers), 0) +
    p7PostCount({ config });
  const world = plan(config.likers, config.p1Posts, p2Posts, BENCH_PASSWORD);
  const { floor, floorDatabaseUrl } = await startSeededFloor(stack, world, poolSize, cleanups, log);
  const cookies = await signIn(stack, world, log);
  await nextFloorBuild.built;
  const nextFloor = await startFloor({
    kind: "next",
    databaseUrl: floorDatabaseUrl,
    poolMax: poolSize,
    runDir: stack.runDir,
    nginxRates: OPEN_RATES,
  });
  cleanups.add(() => nextFloor.stop());
  log("Next.js floor built and started on the floor's database");

  const backlogPool = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
  backlogPool.on("error", () => undefined);
  cleanups.add(() => backlogPool.end());
  const client = await LoadClient.start();
  cleanups.add(() => client.stop());

  const ctx: BenchContext = {
    config,
    root: ROOT,
    stack,
    appUrl: stack.url.replace("//localhost:", "//127.0.0.1:"),
    floor,
    nextFloor,
    floorDatabaseUrl,
    poolSize,
    client,
    world,
    cookies,
    appDb: backlogPool,
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
  cleanups.add(() => sampler.stop());

  await warmUp(ctx);
  const p1 = await runP1(ctx);
  const p2 = await runP2(ctx);
  const p7 = await runP7(ctx);
  const p4 = await runP4(ctx);
  log(`P3 optimistic heart in Chromium, ${config.p3.clicks} clicks`);
  const p3 = await runP3(ctx);
  const p5 = await runP5(ctx);
  const p6 = await runP6(ctx);

  await sampler.stop();
  const sqlChecks = checkTheAppsSql(sampler);

  return {
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
    p6,
    p7,
  };
}

/** The app's stack, with the bench's probes preloaded into its processes and no limit in the way. */
async function startAppStack(profileDir: string | null, probeDir: string, cleanups: Cleanups): Promise<Stack> {
  const stack = await startStack({
    runDir: path.join(ROOT, ".test-stacks", `bench-${randomBytes(3).toString("hex")}`),
    redis: "private",
    apps: 1,
    workers: 1,
    env: {
      ...BENCH_STACK_ENV,
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
    nginx: nginxOnFreePorts(OPEN_NGINX),
  });
  cleanups.add(() => stack.stop());
  return stack;
}

/** The world seeded into the app's database and the floor's, and the node:http floor started on the latter. */
async function startSeededFloor(
  stack: Stack,
  world: World,
  poolSize: number,
  cleanups: Cleanups,
  log: (line: string) => void,
): Promise<{ floor: Floor; floorDatabaseUrl: string }> {
  // The floor's own database: the app's outbox relay must never see the floor's likes.
  const floorDatabaseUrl = `${stack.databaseUrl}_floor`;
  cleanups.add(() => dropDatabase(floorDatabaseUrl));
  await applyMigrations(floorDatabaseUrl);
  await seed(stack.databaseUrl, world);
  await seed(floorDatabaseUrl, world);
  log(
    `seeded ${world.likers.length + 2} users, ${world.p1Posts.length + world.p2Posts.length + world.feedPosts.length} posts in both databases`,
  );
  const floor = await startFloor({
    kind: "node",
    databaseUrl: floorDatabaseUrl,
    poolMax: poolSize,
    runDir: stack.runDir,
    nginxRates: OPEN_RATES,
  });
  cleanups.add(() => floor.stop());
  return { floor, floorDatabaseUrl };
}

/** Signs the owner and the likers in as a browser does, four at a time: their cookies by user id. */
async function signIn(stack: Stack, world: World, log: (line: string) => void): Promise<Map<string, string>> {
  const cookies = new Map<string, string>();
  const toSignIn = [world.owner, ...world.likers];
  for (let i = 0; i < toSignIn.length; i += 4) {
    await Promise.all(
      toSignIn.slice(i, i + 4).map(async (u) => {
        const client = await ApiClient.signedIn(stack.url, u.username, world.password);
        cookies.set(u.id, client.cookieHeader());
      }),
    );
  }
  log(`signed in ${cookies.size} users`);
  return cookies;
}

/** Did the app run the statements bench/sql.ts copies? Fails the run if any differs. */
function checkTheAppsSql(sampler: SqlSampler): SqlCheck[] {
  const sqlChecks = sampler.check([
    // The trace comment is dropped by the comparison: any traceparent will do.
    { name: "like", sql: likeQuery(true, { userId: "", postId: "", eventId: "", trace: null, traceparent: "" }).text },
    {
      name: "unlike",
      sql: likeQuery(false, { userId: "", postId: "", eventId: "", trace: null, traceparent: "" }).text,
    },
    { name: "feed", sql: feedQuery("", 10).text },
  ]);
  const differing = sqlChecks.filter((c) => c.status === "differs");
  if (differing.length)
    throw new Error(`the app ran different SQL than bench/sql.ts for: ${differing.map((d) => d.statement).join(", ")}`);
  return sqlChecks;
}
