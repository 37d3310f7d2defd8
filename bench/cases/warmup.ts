// Before anything is measured: a few seconds of likes and feed reads against every HTTP target,
// unrecorded. A freshly started Next.js process loads each route's code on its first request and
// V8 compiles hot paths as they run; without this, the first case measures start-up, not the app.
import { appIdentity, drain, floorIdentity, floorUrls, type BenchContext } from "../context";

export async function warmUp(ctx: BenchContext): Promise<void> {
  const ms = ctx.config.warmupMs;
  const users = ctx.world.likers.slice(0, 20);
  const toggle = { type: "toggle" as const, postIds: ctx.world.p1Posts, seed: 99 };
  const feed = { type: "get" as const, path: "/api/posts" };
  ctx.log(`warm-up: ${ms / 1000} s of likes and feed reads per target, not recorded`);
  const floorIds = users.map((u) => floorIdentity(u.id));
  for (const [baseUrl, identities] of [
    [ctx.appUrl, users.map((u) => appIdentity(ctx, u.id))] as const,
    ...floorUrls(ctx).map((url) => [url, floorIds] as const),
  ]) {
    await ctx.client.closed({
      kind: "closed",
      baseUrl,
      identities: [...identities],
      workload: toggle,
      warmupMs: 0,
      durationMs: ms,
    });
    await ctx.client.closed({
      kind: "closed",
      baseUrl,
      identities: [...identities],
      workload: feed,
      warmupMs: 0,
      durationMs: ms / 2,
    });
  }
  await drain(ctx, 60_000);
}
