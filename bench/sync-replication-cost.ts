// The cost of synchronous replication per committed write: commits/s and p50/p99 of one commit
// (an INSERT in its own transaction, as a like is one transaction) from 10 clients for 10 s, on the
// machine's Postgres, on the HA cluster (tooling/patroni.ts) with synchronous_mode on, and off.
// Prints the figures; nothing is asserted. Run: node --import tsx bench/sync-replication-cost.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startPostgresHa } from "../tooling/patroni";
import { dropDatabase, ensureDatabase, freshDatabaseUrl } from "../tooling/postgres";

const CLIENTS = 10;
const SECONDS = Number(process.env.SYNC_BENCH_SECONDS ?? 10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function commits(databaseUrl: string) {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query(
    "CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, client int, at timestamptz DEFAULT now())",
  );
  await setup.end();
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      while (performance.now() < deadline) {
        const started = performance.now();
        await client.query("INSERT INTO bench_commit (client) VALUES ($1)", [i]);
        latencies.push(performance.now() - started);
      }
      await client.end();
    }),
  );
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / SECONDS, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const show = (name: string, r: Awaited<ReturnType<typeof commits>>) =>
  console.log(
    `${name.padEnd(28)} ${r.perSecond.toFixed(0).padStart(6)} commits/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`,
  );

const runDir = mkdtempSync(path.join(tmpdir(), "likes-sync-bench-"));
const single = freshDatabaseUrl(runDir);
await ensureDatabase(single);
try {
  show("machine Postgres (1 node)", await commits(single));
} finally {
  await dropDatabase(single);
}
for (const synchronous of [true, false]) {
  const ha = await startPostgresHa({ runDir: path.join(runDir, `ha-${synchronous}`), synchronous });
  try {
    // Bootstrapping the standby (pg_basebackup) may take a while on a busy machine.
    if (synchronous) await ha.waitForSyncStandby({ timeoutMs: 240_000 });
    show(`HA, synchronous_mode ${synchronous ? "on" : "off"}`, await commits(ha.databaseUrl));
  } finally {
    await ha.stop();
  }
}
