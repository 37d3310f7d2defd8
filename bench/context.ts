// What every case gets: the running targets, the load client, the world's users and posts, and
// the app's notification backlog.
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
  floor: Floor;
  floorDatabaseUrl: string;
  poolSize: number;
  client: LoadClient;
  world: World;
  /** Cookie header of each signed-in user, by user id. */
  cookies: Map<string, string>;
  /** Likes whose notification the worker has not finished yet: unprocessed outbox rows. */
  backlog(): Promise<number>;
  /** Directory the app's memory probe writes to (bench/memory-probe.mjs). */
  probeDir: string;
  log(line: string): void;
};

/** The headers that make a request the user's: the session cookie for the app, X-User-Id for the floor. */
export function appIdentity(ctx: BenchContext, userId: string): Record<string, string> {
  const cookie = ctx.cookies.get(userId);
  if (!cookie) throw new Error(`user ${userId} is not signed in`);
  return { cookie };
}

export const floorIdentity = (userId: string): Record<string, string> => ({ "x-user-id": userId });

/** Waits until the worker has processed every like; the time it took, or null past the timeout. */
export async function drain(ctx: BenchContext, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  while ((await ctx.backlog()) > 0) {
    if (performance.now() - started > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Math.round(performance.now() - started);
}
