// P1: like throughput, closed loop. 20 and 50 users each like a post and unlike it, as fast as
// answers come back, on one hot post (every request updates the same Post row) or spread over 50
// posts. Side by side: the app through nginx (with the worker turning likes into notifications,
// and the owner's socket open), the node:http floor and the Next.js floor, each through the same
// nginx config and direct, and pgbench running the same statements with as many connections as
// the app's pool.
import type { ClosedResult } from "../load";
import { runPgbench, type PgbenchResult } from "../pgbench";
import { appIdentity, closedOnFloors, drain, floorIdentity, stackPids, type BenchContext } from "../context";
import { PgWaitSampler, type PgWaits } from "../../tooling/pg-waits";

export type P1Row = {
  users: number;
  posts: number;
  app: ClosedResult & { backlogAtEnd: number; drainMs: number | null };
  /**
   * Where the app's likes spent their time in Postgres (tooling/pg-waits.ts), from the first like
   * (warm-up included) until the worker had processed the last: backend-ms per like.
   */
  pgWaits: PgWaits | null;
  floorNginx: ClosedResult;
  floorDirect: ClosedResult;
  /** The Next.js floor (bench/next-floor/): what Next costs before any of the app's code runs. */
  nextFloorNginx: ClosedResult;
  nextFloorDirect: ClosedResult;
  pgbench: PgbenchResult;
};

export async function runP1(ctx: BenchContext): Promise<P1Row[]> {
  const { p1 } = ctx.config;
  const variants = [1, ctx.config.p1Posts];
  // pgbench once per variant: its clients are the pool's connections, whatever the users.
  const pgbench = new Map<number, PgbenchResult>();
  for (const posts of variants) {
    ctx.log(`P1 pgbench: ${ctx.poolSize} clients, ${posts} post(s), ${ctx.config.pgbench.seconds} s`);
    pgbench.set(
      posts,
      await runPgbench(ctx.floorDatabaseUrl, { clients: ctx.poolSize, seconds: ctx.config.pgbench.seconds, posts }),
    );
  }

  const { app: appPid, worker: workerPid } = stackPids(ctx.stack);
  const rows: P1Row[] = [];
  for (const users of p1.users) {
    for (const posts of variants) {
      const likers = ctx.world.likers.slice(0, users);
      const workload = { type: "toggle" as const, postIds: ctx.world.p1Posts.slice(0, posts), seed: 1 };
      const timing = { warmupMs: p1.warmupMs, durationMs: p1.durationMs };
      ctx.log(`P1 ${users} users, ${posts} post(s): app through nginx`);
      await ctx.client.watch(ctx.stack.url, ctx.cookies.get(ctx.world.owner.id)!);
      // Every like and unlike here changes the like, so each writes one outbox event.
      const eventsBefore = await outboxEvents(ctx);
      const waits = new PgWaitSampler(ctx.appDb, ctx.stack.databaseUrl);
      const app = await ctx.client.closed({
        kind: "closed",
        baseUrl: ctx.appUrl,
        identities: likers.map((u) => appIdentity(ctx, u.id)),
        workload,
        ...timing,
        cpuOf: { server: appPid, worker: workerPid },
      });
      const backlogAtEnd = await ctx.backlog();
      const drainMs = await drain(ctx, p1.drainTimeoutMs);
      const pgWaits = await waits.stop((await outboxEvents(ctx)) - eventsBefore);
      await ctx.client.unwatch();
      ctx.log(`P1 ${users} users, ${posts} post(s): node floor and Next floor, each through nginx, then direct`);
      const floorIds = likers.map((u) => floorIdentity(u.id));
      const [floorNginx, floorDirect, nextFloorNginx, nextFloorDirect] = await closedOnFloors(ctx, (baseUrl, server) =>
        ctx.client.closed({ kind: "closed", baseUrl, identities: floorIds, workload, ...timing, cpuOf: { server } }),
      );
      rows.push({
        users,
        posts,
        app: { ...app, backlogAtEnd, drainMs },
        pgWaits,
        floorNginx,
        floorDirect,
        nextFloorNginx,
        nextFloorDirect,
        pgbench: pgbench.get(posts)!,
      });
    }
  }
  return rows;
}

async function outboxEvents(ctx: BenchContext): Promise<number> {
  const { rows } = await ctx.appDb.query<{ n: number }>(`SELECT count(*)::int AS n FROM "OutboxEvent"`);
  return rows[0]!.n;
}
