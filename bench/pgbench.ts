// pgbench on the like statement: what Postgres alone does with it, no HTTP, no Node.
// Each transaction is one like and its unlike, by the client's own user (:client_id), on the hot
// post or a random one of the 50: the very workload of P1. -M extended sends every :variable as a
// parameter, as Prisma and pg do, so the text Postgres parses is the app's (server/likes.ts, likeStatement) with
// numbered parameters. Figures are statements per second (2 per transaction), comparable to req/s.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LIKE_EVENT, UNLIKE_EVENT } from "../server/likes";
import { likeQueryForPgbench, PGBENCH_TRACEPARENT } from "./sql";
import { ID_BASES } from "./seed";

export type PgbenchResult = {
  clients: number;
  seconds: number;
  tps: number;
  statementsPerSecond: number;
  failed: number;
  latencyAvgMs: number | null;
};

function script(posts: number): string {
  const names = { userId: "uid", postId: "pid", eventId: "eid", trace: "trace" };
  return [
    `\\set uid ${ID_BASES.liker} + :client_id`,
    `\\set pid ${ID_BASES.p1Post} + random(0, ${posts - 1})`,
    // Outbox ids must be unique: a random 62-bit number (as text) never repeats in practice.
    `\\set eid random(1, 4611686018427387903)`,
    likeQueryForPgbench(true, { ...names, eventType: "like_type" }) + ";",
    `\\set eid random(1, 4611686018427387903)`,
    likeQueryForPgbench(false, { ...names, eventType: "unlike_type" }) + ";",
    "",
  ].join("\n");
}

export async function runPgbench(
  databaseUrl: string,
  opts: { clients: number; seconds: number; posts: number },
): Promise<PgbenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "likes-pgbench-"));
  try {
    const file = path.join(dir, "like.sql");
    writeFileSync(file, script(opts.posts));
    const url = new URL(databaseUrl);
    const trace = JSON.stringify({
      hops: { click: null, nginx: null, route: 0, session: 0 },
      traceparent: PGBENCH_TRACEPARENT,
    });
    const args = [
      "-n", // no vacuum of pgbench's own tables: there are none
      "-M",
      "extended",
      "-f",
      file,
      "-c",
      String(opts.clients),
      "-j",
      String(Math.min(2, opts.clients)),
      "-T",
      String(opts.seconds),
      "-D",
      `like_type=${LIKE_EVENT}`,
      "-D",
      `unlike_type=${UNLIKE_EVENT}`,
      "-D",
      `trace=${trace}`,
      "-h",
      url.hostname,
      "-p",
      url.port || "5432",
      "-U",
      decodeURIComponent(url.username || "postgres"),
      decodeURIComponent(url.pathname.slice(1)),
    ];
    const output = await new Promise<string>((resolve, reject) => {
      execFile("pgbench", args, { timeout: (opts.seconds + 60) * 1000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`pgbench failed: ${error.message}\n${stderr}`));
        else resolve(stdout + stderr);
      });
    });
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`could not read tps from pgbench:\n${output}`);
    const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
    const latency = /latency average = ([\d.]+) ms/.exec(output)?.[1];
    return {
      clients: opts.clients,
      seconds: opts.seconds,
      tps,
      statementsPerSecond: tps * 2,
      failed,
      latencyAvgMs: latency ? Number(latency) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
