// How many connections Postgres serves for a stack of 4 apps and 4 workers, with PgBouncer in front
// (the default) or without it (--no-pgbouncer): pg_stat_activity's count for the stack's database
// once everything is up (idle), its peak while 40 users like photos (load), and again after.
// Figures are printed, not judged: docs/deployment.md ("Connection pooling") quotes them.
//   node --import tsx scripts/measure-connections.ts [--no-pgbouncer] [--apps N] [--workers N]
import path from "node:path";
import pg from "pg";
import { createPrisma } from "../server/db";
import { ROOT } from "../tooling/paths";
import { buildIfNeeded } from "../tooling/next-build";
import { createPost, createUser, signedInClient, startTestStack } from "../tests/support/harness";
import { pool } from "../tests/faults/support";

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const pooled = !process.argv.includes("--no-pgbouncer");
const apps = flag("--apps", 4);
const workers = flag("--workers", 4);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

buildIfNeeded((line) => console.log(line));
const stack = await startTestStack(`connections-${pooled ? "pooled" : "direct"}`, { apps, workers, pgbouncer: pooled });
const admin = new pg.Client({ connectionString: stack.databaseUrl });
try {
  await admin.connect();
  const database = new URL(stack.databaseUrl).pathname.slice(1);
  // Every backend of the stack's database but this one (the apps', workers', PgBouncer's, the script's Prisma).
  const backends = async () =>
    Number(
      (
        await admin.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [database],
        )
      ).rows[0]!.n,
    );

  // A client of its own, closed before counting: stack.db is never used, so it opens no connection.
  const setup = createPrisma(stack.databaseUrl);
  const owners = await Promise.all(Array.from({ length: 4 }, () => createUser(setup)));
  const posts = (
    await Promise.all(owners.map((o) => Promise.all([1, 2, 3, 4, 5].map(() => createPost(setup, o.id)))))
  ).flat();
  const likers = await Promise.all(Array.from({ length: 40 }, () => createUser(setup)));
  await setup.$disconnect();
  const clients = await pool(likers.length, 10, (i) =>
    signedInClient(stack.apps[i % stack.apps.length]!.url, likers[i]!),
  );
  await sleep(2000);
  const idleBefore = await backends();

  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await backends());
      await sleep(50);
    }
  })();
  const started = performance.now();
  let answered = 0;
  await pool(clients.length, clients.length, async (i) => {
    for (const post of posts) {
      const like = await clients[i]!.put(`/api/posts/${post.id}/like`);
      if (like.status === 200) answered++;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  await sleep(1000); // the workers' deliveries
  sampling = false;
  await sampler;
  await sleep(2000);
  const idleAfter = await backends();
  const pools = stack.pgbouncer ? await stack.pgbouncer.pools() : [];
  const pgbouncer = pools.find((p) => p.database === database);
  console.log(
    [
      `${apps} apps + ${workers} workers, ${pooled ? "through PgBouncer (transaction pooling)" : "straight to Postgres"}`,
      `postgres backends for the database: idle ${idleBefore}, peak under load ${peak}, idle after ${idleAfter}`,
      `load: ${answered} likes answered 200 of ${clients.length * posts.length} (40 users at once) in ${seconds.toFixed(1)} s`,
      pgbouncer
        ? `pgbouncer pool: ${pgbouncer.sv_active + pgbouncer.sv_idle + pgbouncer.sv_used} server connections, ${pgbouncer.cl_active} clients`
        : "",
      `logs: ${path.relative(ROOT, stack.runDir)}`,
    ]
      .filter(Boolean)
      .join("\n"),
  );
} finally {
  await admin.end().catch(() => undefined);
  await stack.stop();
}
