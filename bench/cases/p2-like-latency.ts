// P2: like -> the owner's socket event, open loop. Likes go out at a fixed rate (50, 100, 200/s),
// each by one liker on one of the owner's posts, never the same pair twice, so every like owes
// a notification. The owner's socket is connected through nginx as a browser's is. Latency runs
// from the moment a like was *scheduled* to the moment its notification reached the owner's
// socket: queueing anywhere (client, nginx, app, queue, worker, Redis) counts.
import { cpuMsPer } from "../../tooling/bench-figures";
import type { BenchContext } from "../context";
import { cpuSnapshot, cpuUsage, type CpuUsage } from "../cpu";
import { appIdentity, drain, stackPids } from "../context";
import { memoryUse, type MemoryUse } from "../memory";
import { syscallCounts, syscallsPer, type SyscallCounts } from "../../tooling/syscalls";
import type { OpenRequest } from "../load";
import { percentile, round, slope, summarize, type Summary } from "../stats";
import { EVENT_LOOP_MONITOR_MS } from "../../server/telemetry/metrics";
import { cpuPressurePct, cpuPressureUs, sampleStalls, stallsBetween, type Stalls } from "../../tooling/runtime-stalls";

export type P2Row = {
  rate: number;
  seconds: number;
  sent: number;
  errors: number;
  statuses: Record<string, number>;
  httpMs: Summary;
  eventMs: Summary;
  expected: number;
  lost: number;
  maxSendLagMs: number;
  backlog: { max: number; end: number; slopePerSecond: number; growing: boolean; drainMs: number | null };
  /** How busy the machine, the app and the worker were while the likes went out. */
  cpu: CpuUsage;
  /**
   * CPU milliseconds (/proc) from the first like sent to the last notification processed: the
   * app's per like answered 200, the worker's per notification delivered to the owner's socket.
   */
  cpuMs: { appPerLike: number | null; workerPerNotification: number | null };
  /** Read and write system calls and event-loop wake-ups (/proc) over the same span, per like and per notification. */
  syscalls: { appPerLike: SyscallCounts | null; workerPerNotification: SyscallCounts | null };
  /**
   * Resident memory of the app and the worker once this rate's notifications were delivered, and
   * each one's peak since it started (the sizes deploy/kubernetes/ requests and limits come from).
   */
  memory: { app: MemoryUse | null; worker: MemoryUse | null };
  /**
   * The app's and the worker's own stalls while the likes went out (event-loop delay, GC pauses,
   * from their metrics): what would show if a tail were theirs.
   */
  stalls: {
    app: Stalls | null;
    worker: Stalls | null;
    /** The share of the window during which some task on the machine waited for a CPU (PSI), %. */
    cpuPressurePct: number | null;
  };
  /** The event latency distribution for the chart: ms at each quantile. */
  curve: { q: number; ms: number }[];
};

/** How many distinct posts a phase needs so that no liker likes the same post twice. */
export function postsFor(rate: number, durationMs: number, likers: number): number {
  return Math.ceil((rate * durationMs) / 1000 / likers);
}

/**
 * `total` first likes spread over `posts`: consecutive likes go to different posts (like traffic
 * spread over the owner's photos), and no liker likes a post twice, so each owes a notification.
 */
export function firstLikes(likers: { id: string }[], posts: string[], total: number): OpenRequest[] {
  return Array.from({ length: total }, (_, i) => {
    const post = posts[i % posts.length]!;
    const liker = Math.floor(i / posts.length);
    return {
      method: "PUT",
      path: `/api/posts/${post}/like`,
      identity: liker,
      eventKey: `${likers[liker]!.id}:${post}`,
    };
  });
}

export const CURVE_QUANTILES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1];

export async function runP2(ctx: BenchContext): Promise<P2Row[]> {
  const { p2 } = ctx.config;
  const likers = ctx.world.likers;
  const identities = likers.map((u) => appIdentity(ctx, u.id));
  await ctx.client.watch(ctx.stack.url, ctx.cookies.get(ctx.world.owner.id)!);
  const rows: P2Row[] = [];
  let postOffset = 0;
  try {
    for (const rate of p2.rates) {
      const total = Math.round((rate * p2.durationMs) / 1000);
      const postCount = postsFor(rate, p2.durationMs, likers.length);
      const posts = ctx.world.p2Posts.slice(postOffset, postOffset + postCount);
      postOffset += postCount;
      const requests = firstLikes(likers, posts, total);
      ctx.log(`P2 ${rate} likes/s for ${p2.durationMs / 1000} s (${total} likes over ${postCount} posts)`);

      // The backlog, sampled while the likes go out: a worker that keeps up holds it flat.
      const samples: { x: number; y: number }[] = [];
      const started = performance.now();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          samples.push({ x: (performance.now() - started) / 1000, y: await ctx.backlog() });
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const pids = stackPids(ctx.stack);
      const metricsUrls = [ctx.stack.apps[0]!.metricsUrl, ctx.stack.workers[0]!.metricsUrl] as const;
      const stallsBefore = await Promise.all(metricsUrls.map(sampleStalls));
      const stallsSince = async () =>
        (await Promise.all(metricsUrls.map(sampleStalls))).map((end, i) =>
          stallsBetween(stallsBefore[i]!, end, EVENT_LOOP_MONITOR_MS),
        );
      const cpuBefore = cpuSnapshot(pids);
      const syscallsBefore = { app: syscallCounts(pids.app), worker: syscallCounts(pids.worker) };
      const pressureBefore = cpuPressureUs();
      const windowStarted = performance.now();
      let pressure: number | null = null;
      let cpuDuring: CpuUsage | null = null;
      let stallsDuring: Promise<(Stalls | null)[]> | null = null;
      // Measured over the sending window only (the case then waits for stragglers).
      const cpuTimer = setTimeout(() => {
        cpuDuring = cpuUsage(cpuBefore, cpuSnapshot(pids));
        pressure = cpuPressurePct(pressureBefore, cpuPressureUs(), performance.now() - windowStarted);
        stallsDuring = stallsSince();
      }, p2.durationMs);
      const result = await ctx.client.open(
        { kind: "open", baseUrl: ctx.appUrl, identities, rate, requests },
        p2.eventWaitMs,
      );
      clearTimeout(cpuTimer);
      const cpu: CpuUsage = cpuDuring ?? cpuUsage(cpuBefore, cpuSnapshot(pids));
      const [appStalls = null, workerStalls = null] = await (stallsDuring ?? stallsSince());
      sampling = false;
      await sampler;
      // Only the samples taken while requests were still going out say whether it grows.
      const during = samples.filter((s) => s.x <= total / rate);
      const slopePerSecond = slope(during);
      const end = during.at(-1)?.y ?? 0;
      const drainMs = await drain(ctx, 60_000);
      const cpuAfterDrain = cpuSnapshot(pids);
      const events = result.events!;
      const syscallsAfterDrain = { app: syscallCounts(pids.app), worker: syscallCounts(pids.worker) };
      const answered = result.statuses["200"] ?? 0;
      const delivered = events.expected - events.lost;
      const memory = { app: memoryUse(pids.app), worker: memoryUse(pids.worker) };
      const sorted = [...events.eventMs].sort((a, b) => a - b);
      rows.push({
        rate,
        seconds: round(result.seconds),
        sent: result.sent,
        errors: result.errors,
        statuses: result.statuses,
        httpMs: summarize(result.httpMs),
        eventMs: summarize(events.eventMs),
        expected: events.expected,
        lost: events.lost,
        maxSendLagMs: round(result.maxSendLagMs),
        cpu,
        cpuMs: {
          appPerLike: cpuMsPer(cpuBefore.ticks.app, cpuAfterDrain.ticks.app, answered),
          workerPerNotification: cpuMsPer(cpuBefore.ticks.worker, cpuAfterDrain.ticks.worker, delivered),
        },
        syscalls: {
          appPerLike: syscallsPer(syscallsBefore.app, syscallsAfterDrain.app, answered),
          workerPerNotification: syscallsPer(syscallsBefore.worker, syscallsAfterDrain.worker, delivered),
        },
        memory,
        stalls: { app: appStalls, worker: workerStalls, cpuPressurePct: pressure },
        backlog: {
          max: Math.max(0, ...during.map((s) => s.y)),
          end,
          slopePerSecond: round(slopePerSecond),
          // Growing: rising by more than 2% of the offered rate (at least 1 like) every second.
          growing: slopePerSecond > Math.max(1, rate * 0.02),
          drainMs,
        },
        curve: CURVE_QUANTILES.map((q) => ({ q, ms: round(q === 0 ? (sorted[0] ?? NaN) : percentile(sorted, q)) })),
      });
    }
  } finally {
    await ctx.client.unwatch();
  }
  return rows;
}
