// Did the app run the statements bench/sql.ts copies? While the bench runs, the app database's
// pg_stat_activity is sampled a few times a second: every connection shows the statement it is
// running or ran last (cut at track_activity_query_size, 1 kB by default). At the end, each
// expected statement is looked for among what was seen, compared up to where Postgres cut it.
// "differs" fails the bench: the floor and pgbench would be measuring something the app no
// longer does.
import pg from "pg";
import { databaseName } from "../tooling/postgres";
import { normalizeSql } from "./sql";

export type SqlCheck = { statement: string; status: "same" | "differs" | "not seen" };

export class SqlSampler {
  private readonly seen = new Set<string>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly pool: pg.Pool,
    databaseUrl: string,
    everyMs = 200,
  ) {
    const name = databaseName(databaseUrl);
    this.loop = (async () => {
      while (this.running) {
        try {
          const { rows } = await pool.query<{ query: string }>(
            `SELECT DISTINCT query FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
            [name],
          );
          // Without the trace comment, the app's statements repeat: the set stays small.
          for (const r of rows) this.seen.add(normalizeSql(r.query));
        } catch {
          // a missed sample is no loss
        }
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  check(expected: { name: string; sql: string }[]): SqlCheck[] {
    return expected.map(({ name: statement, sql }) => {
      const want = normalizeSql(sql);
      // Same opening words: the same kind of statement, whatever the rest says.
      const head = want.slice(0, 60);
      const candidates = [...this.seen].filter((q) => q.slice(0, 60) === head);
      if (candidates.length === 0) return { statement, status: "not seen" };
      // A text cut short by Postgres must still be a long enough prefix to mean something.
      const same = candidates.some((q) => want.startsWith(q) && q.length >= Math.min(want.length, 400));
      return { statement, status: same ? "same" : "differs" };
    });
  }
}
