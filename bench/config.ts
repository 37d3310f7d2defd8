// How long and how much each case runs: the full bench (docs/benchmarks.md) or --quick (CI: every
// case runs end to end, tiny, so the bench never rots; its figures mean nothing).
import { readFileSync } from "node:fs";
import path from "node:path";

export type BenchConfig = {
  quick: boolean;
  /** Unrecorded load on every target before the first case (bench/cases/warmup.ts). */
  warmupMs: number;
  p1: { users: number[]; warmupMs: number; durationMs: number; drainTimeoutMs: number };
  pgbench: { seconds: number };
  p2: { rates: number[]; durationMs: number; eventWaitMs: number };
  p3: { clicks: number; holdMs: number };
  p4: { users: number; warmupMs: number; durationMs: number; openRate: number; openDurationMs: number };
  p5: { sockets: number; sessions: number; concurrency: number };
  /** Metrics on vs off: rounds of each, alternating, after a warm-up of each stack. */
  p6: { users: number; warmupMs: number; roundMs: number; rounds: number };
  /** Redis commands per like: an idle window (the baseline), then likes at a fixed rate, counted. */
  p7: { idleMs: number; rate: number; durationMs: number; eventWaitMs: number };
  /** Liker accounts: enough for the largest closed loop and for P2's distinct likes. */
  likers: number;
  /** Posts the P1 "many posts" variant spreads its likes over. */
  p1Posts: number;
};

export function benchConfig(quick: boolean): BenchConfig {
  if (quick) {
    return {
      quick,
      warmupMs: 1500,
      p1: { users: [20, 50], warmupMs: 300, durationMs: 1500, drainTimeoutMs: 15_000 },
      pgbench: { seconds: 2 },
      p2: { rates: [50, 100, 200], durationMs: 2000, eventWaitMs: 5000 },
      p3: { clicks: 3, holdMs: 2000 },
      p4: { users: 50, warmupMs: 300, durationMs: 1500, openRate: 100, openDurationMs: 2000 },
      p5: { sockets: 500, sessions: 20, concurrency: 50 },
      p6: { users: 20, warmupMs: 500, roundMs: 1000, rounds: 2 },
      p7: { idleMs: 2000, rate: 50, durationMs: 2000, eventWaitMs: 5000 },
      likers: 100,
      p1Posts: 50,
    };
  }
  return {
    quick,
    warmupMs: 5000,
    p1: { users: [20, 50], warmupMs: 2000, durationMs: 10_000, drainTimeoutMs: 60_000 },
    pgbench: { seconds: 10 },
    p2: { rates: [50, 100, 200], durationMs: 20_000, eventWaitMs: 10_000 },
    p3: { clicks: 10, holdMs: 2000 },
    p4: { users: 50, warmupMs: 2000, durationMs: 10_000, openRate: 100, openDurationMs: 15_000 },
    p5: { sockets: 10_000, sessions: 100, concurrency: 100 },
    p6: { users: 20, warmupMs: 3000, roundMs: 8000, rounds: 4 },
    p7: { idleMs: 5000, rate: 50, durationMs: 10_000, eventWaitMs: 10_000 },
    likers: 100,
    p1Posts: 50,
  };
}

/**
 * The app's Postgres pool size, read from server/db.ts (new pg.Pool({ …, max: N })), so the
 * floor's pool follows it if it changes.
 */
export function appPoolSize(root: string): number {
  const source = readFileSync(path.join(root, "server", "db.ts"), "utf8");
  const match = /new pg\.Pool\(\s*\{[^}]*\bmax:\s*(\d+)/.exec(source);
  if (!match) throw new Error("could not find the pool size (max: N) in server/db.ts: update bench/config.ts");
  return Number(match[1]);
}

// No limit must refuse the bench: every user comes from 127.0.0.1 (documented in the report).
export const OPEN_RATES = { apiRatePerSecond: 1_000_000, apiBurst: 1_000_000 };
export const OPEN_NGINX = { ...OPEN_RATES, signinRatePerMinute: 1_000_000, signinBurst: 100_000 };

/** The environment of every stack the bench starts: quiet logs, no like limit, the production relay. */
export const BENCH_STACK_ENV = {
  LOG_LEVEL: "warn",
  LIKE_RATE_LIMIT_PER_MINUTE: "100000000",
  // The production defaults, not the test suites' faster relay.
  OUTBOX_RELAY_INTERVAL_MS: "2000",
  OUTBOX_RELAY_GRACE_MS: "3000",
};
