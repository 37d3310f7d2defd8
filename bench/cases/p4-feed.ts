// P4: the feed, GET /api/posts (first page, 10 posts with their authors and the viewer's likes).
// Closed loop at 50 concurrent users against the app through nginx, then the node:http floor and
// the Next.js floor, each through nginx and direct (the floors run the app's own feed
// statement); then open loop at a fixed rate, latency from the scheduled send time, for the app
// and the node floor direct.
import type { ClosedResult } from "../load";
import { appIdentity, closedOnFloors, floorIdentity, stackPids, type BenchContext } from "../context";
import { summarize, type Summary } from "../stats";

export type OpenFeed = { rate: number; sent: number; errors: number; latencyMs: Summary; maxSendLagMs: number };
export type P4Result = {
  users: number;
  app: ClosedResult;
  floorNginx: ClosedResult;
  floorDirect: ClosedResult;
  /** The Next.js floor (bench/next-floor/), through nginx and direct. */
  nextFloorNginx: ClosedResult;
  nextFloorDirect: ClosedResult;
  openApp: OpenFeed;
  openFloorDirect: OpenFeed;
};

export async function runP4(ctx: BenchContext): Promise<P4Result> {
  const { p4 } = ctx.config;
  const users = ctx.world.likers.slice(0, p4.users);
  const workload = { type: "get" as const, path: "/api/posts" };
  const timing = { warmupMs: p4.warmupMs, durationMs: p4.durationMs };
  const appIds = users.map((u) => appIdentity(ctx, u.id));
  const floorIds = users.map((u) => floorIdentity(u.id));

  ctx.log(`P4 feed closed loop, ${p4.users} users: app, then node floor and Next floor, each through nginx and direct`);
  const { app: server, worker } = stackPids(ctx.stack);
  const app = await ctx.client.closed({
    kind: "closed",
    baseUrl: ctx.appUrl,
    identities: appIds,
    workload,
    ...timing,
    cpuOf: { server, worker },
  });
  const [floorNginx, floorDirect, nextFloorNginx, nextFloorDirect] = await closedOnFloors(ctx, (baseUrl, server) =>
    ctx.client.closed({ kind: "closed", baseUrl, identities: floorIds, workload, ...timing, cpuOf: { server } }),
  );

  const open = async (baseUrl: string, identities: Record<string, string>[]): Promise<OpenFeed> => {
    const total = Math.round((p4.openRate * p4.openDurationMs) / 1000);
    const requests = Array.from({ length: total }, (_, i) => ({
      method: "GET" as const,
      path: "/api/posts",
      identity: i % identities.length,
    }));
    const r = await ctx.client.open({ kind: "open", baseUrl, identities, rate: p4.openRate, requests });
    return {
      rate: p4.openRate,
      sent: r.sent,
      errors: r.errors,
      latencyMs: summarize(r.httpMs),
      maxSendLagMs: r.maxSendLagMs,
    };
  };
  ctx.log(`P4 feed open loop, ${p4.openRate} req/s for ${p4.openDurationMs / 1000} s: app, floor direct`);
  const openApp = await open(ctx.appUrl, appIds);
  const openFloorDirect = await open(ctx.floor.directUrl, floorIds);
  return { users: p4.users, app, floorNginx, floorDirect, nextFloorNginx, nextFloorDirect, openApp, openFloorDirect };
}
