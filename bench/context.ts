// What every case gets: the running targets, the load client, the world's users and posts, and
// the app's notification backlog.
import type pg from "pg";
import type { Stack } from "../tooling/stack";
import type { LoadClient } from "./client";
import type { BenchConfig } from "./config";
import type { Floor } from "./floor";
import type { World } from "./seed";

export type BenchContext = {
  config: BenchConfig;
  root: string;
  stack: Stack;
  /** The app through nginx (plain HTTP), as 127.0.0.1 so no request waits on a name lookup. */
  appUrl: string;
  /** The node:http floor (bench/floor-server.ts). */
  floor: Floor;
  /** The Next.js floor (bench/next-floor/), on the same database as the node:http floor. */
  nextFloor: Floor;
  floorDatabaseUrl: string;
  poolSize: number;
  client: LoadClient;
  world: World;
  /** Cookie header of each signed-in user, by user id. */
  cookies: Map<string, string>;
  /** Likes whose notification the worker has not finished yet: unprocessed outbox rows. */
  backlog(): Promise<number>;
  /** The app's database, for the bench's own reads (the backlog, the outbox, pg_stat_activity). */
  appDb: pg.Pool;
  /** Directory the app's memory probe writes to (bench/memory-probe.mjs). */
  probeDir: string;
  log(line: string): void;
};

/** The headers that make a request the user's: the session cookie for the app, X-User-Id for the floors. */
export function appIdentity(ctx: BenchContext, userId: string): Record<string, string> {
  const cookie = ctx.cookies.get(userId);
  if (!cookie) throw new Error(`user ${userId} is not signed in`);
  return { cookie };
}

export const floorIdentity = (userId: string): Record<string, string> => ({ "x-user-id": userId });

/**
 * One closed loop on each floor target in turn, in the order every case reports them: the node
 * floor through nginx and direct, then the Next floor through nginx and direct.
 */
export async function closedOnFloors<T>(
  ctx: BenchContext,
  run: (baseUrl: string, serverPid: number) => Promise<T>,
): Promise<[T, T, T, T]> {
  const results: T[] = [];
  for (const { url, pid } of floorTargets(ctx)) results.push(await run(url, pid));
  return results as [T, T, T, T];
}

/** The four floor targets in that order, each with the pid of the server behind it. */
const floorTargets = (ctx: BenchContext): { url: string; pid: number }[] =>
  [ctx.floor, ctx.nextFloor].flatMap((floor) =>
    [floor.nginxUrl, floor.directUrl].map((url) => ({ url, pid: floor.proc.child.pid! })),
  );

export const floorUrls = (ctx: BenchContext): string[] => floorTargets(ctx).map((t) => t.url);

/** The pids of a stack's first app and first worker, the processes the cases measure (/proc). */
export function stackPids(stack: Stack): { app: number; worker: number } {
  return { app: stack.apps[0]!.proc.child.pid!, worker: stack.workers[0]!.child.pid! };
}

/** Waits until the worker has processed every like; the time it took, or null past the timeout. */
export async function drain(ctx: BenchContext, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  while ((await ctx.backlog()) > 0) {
    if (performance.now() - started > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Math.round(performance.now() - started);
}
