// What the like's statements spent their time on inside Postgres: the app database's active
// backends, sampled every 20 ms from pg_stat_activity, each sample counted to its statement (the
// like or unlike, the worker's decision, its processed mark) and to what the backend was doing:
// running (no wait event), waiting for the WAL to be written and flushed (its commit), waiting for
// a row or transaction lock (a like of the same post ahead of it), or anything else. A sample
// stands for 20 ms of one backend, so sampled counts become backend-milliseconds per like: where
// the hot post's like waits, and how much of it is commits waiting for their flush.
import type pg from "pg";
import { databaseName } from "./postgres";

export const PG_WAIT_SAMPLE_MS = 20;

export const WAIT_STATEMENTS = ["like", "decision", "mark"] as const;
export type WaitStatement = (typeof WAIT_STATEMENTS)[number];
export const WAIT_KINDS = ["running", "wal", "lock", "other"] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];
/** Backend-milliseconds per like, by statement and by what it was doing. */
export type PgWaits = Record<WaitStatement, Record<WaitKind, number>>;

/** The statement a backend runs, from its first words (as server/likes.ts and server/delivery.ts send them). */
export function statementOf(query: string): WaitStatement | null {
  const text = query.replace(/^\s*(\/\*.*?\*\/\s*)?/s, "").trimStart();
  if (text.startsWith("WITH changed AS")) return "like";
  if (text.startsWith("SELECT * FROM like_event_decision(")) return "decision";
  if (text.startsWith("WITH no_flush_wait AS")) return "mark";
  return null;
}

/** What a backend's wait event says it is doing. */
export function waitKindOf(type: string | null, event: string | null): WaitKind {
  if (type === null) return "running";
  if ((type === "IO" && (event === "WALSync" || event === "WALWrite")) || (type === "LWLock" && event === "WALWrite"))
    return "wal";
  if (type === "Lock") return "lock";
  return "other";
}

const zero = (): PgWaits =>
  Object.fromEntries(WAIT_STATEMENTS.map((s) => [s, Object.fromEntries(WAIT_KINDS.map((k) => [k, 0]))])) as PgWaits;

/** Samples while it runs; `stop()` answers the counts, per like, of the `likes` made meanwhile. */
export class PgWaitSampler {
  private readonly counts = zero();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(pool: pg.Pool, databaseUrl: string) {
    const name = databaseName(databaseUrl);
    this.loop = (async () => {
      while (this.running) {
        const next = performance.now() + PG_WAIT_SAMPLE_MS;
        try {
          const { rows } = await pool.query<{ query: string; type: string | null; event: string | null }>(
            `SELECT left(query, 120) AS query, wait_event_type AS type, wait_event AS event FROM pg_stat_activity
             WHERE datname = $1 AND state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
            [name],
          );
          for (const row of rows) {
            const statement = statementOf(row.query);
            if (statement) this.counts[statement][waitKindOf(row.type, row.event)]++;
          }
        } catch {
          // a missed sample is no loss
        }
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
    })();
  }

  async stop(likes: number): Promise<PgWaits | null> {
    this.running = false;
    await this.loop;
    if (!(likes > 0)) return null;
    const perLike = zero();
    for (const s of WAIT_STATEMENTS)
      for (const k of WAIT_KINDS) perLike[s][k] = (this.counts[s][k] * PG_WAIT_SAMPLE_MS) / likes;
    return perLike;
  }
}
