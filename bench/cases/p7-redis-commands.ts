// P7: the Redis commands one like costs, as Redis saw them (tooling/redis-commands.ts): the app's per
// like answered 200, the worker's per notification delivered, by connection and command, BullMQ's
// scripts by name. First an idle window of the same processes (heartbeats, BullMQ's blocking
// waits, the outbox relay), then likes at a fixed rate, each owing a notification, counted until
// the last notification is delivered; the idle rate over that time is taken off.
import type { BenchContext } from "../context";
import { appIdentity, drain, stackPids } from "../context";
import { round } from "../stats";
import { countRedisCommands, type CommandCounts } from "../../tooling/redis-commands";
import { PUBLISH_NOTIFICATION_ONCE, PUBLISH_ONCE } from "../../server/push";
import { INCREMENT } from "../../server/rate-limit";
import { firstLikes, postsFor } from "./p2-like-latency";

export type P7Row = { process: string; command: string; perLike: number; total: number; idlePerSecond: number };
export type P7Result = {
  rate: number;
  likes: number;
  delivered: number;
  seconds: number;
  idleSeconds: number;
  rows: P7Row[];
  /** Commands per like (app) and per notification (worker), all connections together. */
  totals: Record<string, number>;
};

/** The posts P7 likes: after P2's, which the world plans for both (bench/run.ts). */
export const p7PostCount = (ctx: Pick<BenchContext, "config">) =>
  postsFor(ctx.config.p7.rate, ctx.config.p7.durationMs, ctx.config.likers);

export async function runP7(ctx: BenchContext): Promise<P7Result> {
  const { p7 } = ctx.config;
  const likers = ctx.world.likers;
  const posts = ctx.world.p2Posts.slice(-p7PostCount(ctx));
  const total = Math.round((p7.rate * p7.durationMs) / 1000);
  const requests = firstLikes(likers, posts, total);
  ctx.log(`P7 Redis commands: ${p7.idleMs / 1000} s idle, then ${total} likes at ${p7.rate}/s`);

  await ctx.client.watch(ctx.stack.url, ctx.cookies.get(ctx.world.owner.id)!);
  const counter = await countRedisCommands({
    url: ctx.stack.redis.url,
    processes: stackPids(ctx.stack),
    prefix: ctx.stack.env.REDIS_PREFIX!,
    knownScripts: {
      "emitOnce SET NX + PUBLISH": PUBLISH_ONCE,
      "emitNotificationOnce SET NX, toast SET NX + PUBLISH": PUBLISH_NOTIFICATION_ONCE,
      "rate limit INCR + PEXPIRE": INCREMENT,
    },
  });
  let idle: CommandCounts;
  let busy: CommandCounts;
  let idleSeconds: number;
  let seconds: number;
  let delivered: number;
  try {
    await drain(ctx, 30_000); // nothing left of earlier cases
    await counter.mark();
    let started = performance.now();
    await new Promise((r) => setTimeout(r, p7.idleMs));
    idle = await counter.mark();
    idleSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const result = await ctx.client.open(
      {
        kind: "open",
        baseUrl: ctx.appUrl,
        identities: likers.map((u) => appIdentity(ctx, u.id)),
        rate: p7.rate,
        requests,
      },
      p7.eventWaitMs,
    );
    await drain(ctx, 60_000);
    busy = await counter.mark();
    seconds = (performance.now() - started) / 1000;
    delivered = result.events ? result.events.expected - result.events.lost : 0;
  } finally {
    await counter.stop();
    await ctx.client.unwatch();
  }

  const rows: P7Row[] = [];
  const totals: Record<string, number> = {};
  for (const process of ["app", "worker"]) {
    const during = busy[process] ?? {};
    const quiet = idle[process] ?? {};
    for (const command of new Set([...Object.keys(during), ...Object.keys(quiet)])) {
      const idlePerSecond = (quiet[command] ?? 0) / idleSeconds;
      const count = during[command] ?? 0;
      const perLike = delivered ? (count - idlePerSecond * seconds) / delivered : NaN;
      rows.push({ process, command, perLike: round(perLike), total: count, idlePerSecond: round(idlePerSecond) });
      totals[process] = (totals[process] ?? 0) + perLike;
    }
    totals[process] = round(totals[process] ?? 0);
  }
  rows.sort((a, b) => a.process.localeCompare(b.process) || b.perLike - a.perLike);
  return {
    rate: p7.rate,
    likes: total,
    delivered,
    seconds: round(seconds),
    idleSeconds: round(idleSeconds),
    rows,
    totals,
  };
}
