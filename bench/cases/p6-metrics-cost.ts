// P6: what the Prometheus metrics cost (docs/decisions/023-metrics-on-their-own-port.md). Two
// stacks of their own, alike but for METRICS_PORT: one with metrics on, its app and worker scraped
// every second by a loop here, one with METRICS_PORT=0 (nothing recorded, no listener). Both are
// seeded with the bench's world and warmed up, then the same closed loop of likes runs against
// each in turn, alternating (on, off, then off, on, …) so that a drift of the machine over the run
// falls on both alike. Per round: likes per second, and the CPU the app and the worker spent per
// like (from /proc, up to the worker having delivered every notification of the round).
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { nginxOnFreePorts } from "../../tooling/nginx";
import { startStack, type Stack } from "../../tooling/stack";
import { BENCH_STACK_ENV, OPEN_NGINX } from "../config";
import { appIdentity, stackPids, type BenchContext } from "../context";
import { cpuSnapshot, cpuUsage } from "../cpu";
import { seed } from "../seed";
import { round, summarize, type Summary } from "../stats";

export type P6Round = {
  rps: number;
  requests: number;
  errors: number;
  appCorePct: number;
  workerCorePct: number;
  /** CPU milliseconds of app + worker per like, the worker's share until its backlog was empty. */
  cpuMsPerLike: number;
  drainMs: number | null;
};
export type P6Variant = { rounds: P6Round[]; rps: number; cpuMsPerLike: number };
export type P6Result = {
  users: number;
  posts: number;
  roundMs: number;
  scrapeIntervalMs: number;
  on: P6Variant & { scrapes: number; scrapeFailures: number; scrapeMs: Summary; scrapeKb: number };
  off: P6Variant;
  /** on vs off, in percent of off: negative throughput and positive CPU are the metrics' cost. */
  rpsChangePct: number;
  cpuPerLikeChangePct: number;
};

const SCRAPE_INTERVAL_MS = 1000;

type Target = { name: "on" | "off"; stack: Stack; appUrl: string; backlog: pg.Pool };

async function startTarget(ctx: BenchContext, name: "on" | "off"): Promise<Target> {
  const stack = await startStack({
    runDir: path.join(ctx.root, ".test-stacks", `bench-p6-${name}-${randomBytes(3).toString("hex")}`),
    redis: "private",
    apps: 1,
    workers: 1,
    env: {
      ...BENCH_STACK_ENV,
      // The main stack's secret: the cookies its users signed in with must decode here too.
      NEXTAUTH_SECRET: ctx.stack.env.NEXTAUTH_SECRET!,
      // Off: the processes start no listener and record nothing (server/telemetry/metrics.ts).
      ...(name === "off" ? { METRICS_PORT: "0" } : {}),
    },
    nginx: nginxOnFreePorts(OPEN_NGINX),
  });
  await seed(stack.databaseUrl, ctx.world);
  const backlog = new pg.Pool({ connectionString: stack.databaseUrl, max: 1 });
  backlog.on("error", () => undefined);
  return { name, stack, appUrl: stack.url.replace("//localhost:", "//127.0.0.1:"), backlog };
}

async function stopTarget(target: Target): Promise<void> {
  await target.backlog.end().catch(() => undefined);
  await target.stack.stop();
}

async function drained(target: Target, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  const count = async () =>
    (
      await target.backlog.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "OutboxEvent" WHERE "processedAt" IS NULL`,
      )
    ).rows[0]!.n;
  while ((await count()) > 0) {
    if (performance.now() - started > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Math.round(performance.now() - started);
}

/** Scrapes every metrics URL once a second until stopped: what a Prometheus with scrape_interval 1s does. */
function scrapeLoop(urls: string[]) {
  const ms: number[] = [];
  let failures = 0;
  let bytes = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const next = performance.now() + SCRAPE_INTERVAL_MS;
      await Promise.all(
        urls.map(async (url) => {
          const started = performance.now();
          try {
            const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
            const text = await response.text();
            if (!response.ok) throw new Error(String(response.status));
            ms.push(performance.now() - started);
            bytes += text.length;
          } catch {
            failures++;
          }
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ms, failures, bytes };
    },
  };
}

export async function runP6(ctx: BenchContext): Promise<P6Result> {
  const { p6 } = ctx.config;
  const users = ctx.world.likers.slice(0, p6.users);
  // The bench's session cookies: the same users, ids and secret in every stack it starts.
  const identities = users.map((u) => appIdentity(ctx, u.id));
  // CPU per like is only a figure of likes: a round with refused requests measures the refusals.
  const requireLikes = (result: { requests: number; errors: number; statuses: Record<string, number> }) => {
    if (result.errors > 0) {
      throw new Error(
        `P6: ${result.errors} of ${result.requests} likes were not answered 2xx (statuses ${JSON.stringify(result.statuses)})`,
      );
    }
  };
  const workload = { type: "toggle" as const, postIds: ctx.world.p1Posts, seed: 6 };
  ctx.log(`P6 metrics cost: starting a stack with metrics on and one with METRICS_PORT=0`);
  const on = await startTarget(ctx, "on");
  try {
    const off = await startTarget(ctx, "off");
    try {
      for (const target of [on, off]) {
        const warm = await ctx.client.closed({
          kind: "closed",
          baseUrl: target.appUrl,
          identities,
          workload,
          warmupMs: 0,
          durationMs: p6.warmupMs,
        });
        requireLikes(warm);
        await drained(target, 60_000);
      }
      const rounds: Record<"on" | "off", P6Round[]> = { on: [], off: [] };
      const scrapes = { ms: [] as number[], failures: 0, bytes: 0 };
      for (let i = 0; i < p6.rounds; i++) {
        for (const target of i % 2 === 0 ? [on, off] : [off, on]) {
          ctx.log(
            `P6 round ${i + 1}/${p6.rounds}: metrics ${target.name}, ${users.length} users, ${p6.roundMs / 1000} s`,
          );
          const metricsUrls = [target.stack.apps[0]!.metricsUrl, target.stack.workers[0]!.metricsUrl];
          const scraper = target.name === "on" ? scrapeLoop(metricsUrls) : null;
          const pids = stackPids(target.stack);
          const before = cpuSnapshot(pids);
          const result = await ctx.client.closed({
            kind: "closed",
            baseUrl: target.appUrl,
            identities,
            workload,
            warmupMs: 0,
            durationMs: p6.roundMs,
          });
          requireLikes(result);
          const drainMs = await drained(target, 60_000);
          const after = cpuSnapshot(pids);
          const cpu = cpuUsage(before, after);
          if (scraper) {
            const scraped = await scraper.stop();
            scrapes.ms.push(...scraped.ms);
            scrapes.failures += scraped.failures;
            scrapes.bytes += scraped.bytes;
          }
          // The window the CPU was read over (the scraper's stop, above, waits out its last interval).
          const seconds = (after.at - before.at) / 1000;
          const appCorePct = cpu.processCorePct.app ?? 0;
          const workerCorePct = cpu.processCorePct.worker ?? 0;
          const cpuMs = ((appCorePct + workerCorePct) / 100) * seconds * 1000;
          rounds[target.name].push({
            rps: round(result.rps, 1),
            requests: result.requests,
            errors: result.errors,
            appCorePct,
            workerCorePct,
            cpuMsPerLike: result.requests ? round(cpuMs / result.requests, 3) : 0,
            drainMs,
          });
        }
      }
      const variant = (list: P6Round[]): P6Variant => ({
        rounds: list,
        rps: round(list.reduce((s, r) => s + r.rps, 0) / list.length, 1),
        cpuMsPerLike: round(list.reduce((s, r) => s + r.cpuMsPerLike, 0) / list.length, 3),
      });
      const onVariant = variant(rounds.on);
      const offVariant = variant(rounds.off);
      const change = (a: number, b: number) => (b ? round(((a - b) / b) * 100, 1) : 0);
      return {
        users: users.length,
        posts: workload.postIds.length,
        roundMs: p6.roundMs,
        scrapeIntervalMs: SCRAPE_INTERVAL_MS,
        on: {
          ...onVariant,
          scrapes: scrapes.ms.length,
          scrapeFailures: scrapes.failures,
          scrapeMs: summarize(scrapes.ms),
          scrapeKb: scrapes.ms.length ? round(scrapes.bytes / scrapes.ms.length / 1024, 1) : 0,
        },
        off: offVariant,
        rpsChangePct: change(onVariant.rps, offVariant.rps),
        cpuPerLikeChangePct: change(onVariant.cpuMsPerLike, offVariant.cpuMsPerLike),
      };
    } finally {
      await stopTarget(off);
    }
  } finally {
    await stopTarget(on);
  }
}
