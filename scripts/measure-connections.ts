// How many connections Postgres serves for a stack of 4 apps and 4 workers, with PgBouncer in front
// (the default) or without it (--no-pgbouncer): pg_stat_activity's count for the stack's database
// once everything is up (idle), its peak while 40 users like photos (load), and again after.
// Figures are printed, not judged: docs/deployment.md ("Connection pooling") quotes them.
//   node --import tsx scripts/measure-connections.ts [--no-pgbouncer] [--apps N] [--workers N]
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { createPrisma, type Db } from "../server/db";
import { hashPassword } from "../server/password";
import { ApiClient } from "../tooling/api-client";
import { buildIfNeeded } from "../tooling/next-build";
import { ROOT } from "../tooling/paths";
import { startStack } from "../tooling/stack";

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const pooled = !process.argv.includes("--no-pgbouncer");
const apps = flag("--apps", 4);
const workers = flag("--workers", 4);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = "measure-connections";

/** `count` tasks, at most `concurrency` at once. */
async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

async function createUser(db: Db, passwordHash: string) {
  const username = `conn_${randomBytes(5).toString("hex")}`;
  return db.user.create({
    data: { username, name: username, avatarUrl: "/seed/avatars/alice.svg", passwordHash },
    select: { id: true, username: true },
  });
}

buildIfNeeded((line) => console.log(line));
const stack = await startStack({
  runDir: path.join(ROOT, ".stack", `connections-${pooled ? "pooled" : "direct"}`),
  redis: "private",
  apps,
  workers,
  pgbouncer: pooled,
  env: { LOG_LEVEL: "warn", LIKE_RATE_LIMIT_PER_MINUTE: "100000" },
});
const admin = new pg.Client({ connectionString: stack.databaseUrl });
try {
  await admin.connect();
  const database = new URL(stack.databaseUrl).pathname.slice(1);
  // Every backend of the stack's database but this one: the apps', the workers' or PgBouncer's.
  const backends = async () => {
    const { rows } = await admin.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    return Number(rows[0]!.n);
  };

  // Users and photos straight in the database, with a client closed before anything is counted.
  const setup = createPrisma(stack.databaseUrl);
  const hash = await hashPassword(PASSWORD);
  const owners = await Promise.all(Array.from({ length: 4 }, () => createUser(setup, hash)));
  const posts = await Promise.all(
    owners.flatMap((o) =>
      [1, 2, 3, 4, 5].map(() =>
        setup.post.create({ data: { authorId: o.id, caption: "p", imageUrl: "/seed/posts/alice-1.svg" } }),
      ),
    ),
  );
  const likers = await Promise.all(Array.from({ length: 40 }, () => createUser(setup, hash)));
  await setup.$disconnect();
  const clients = await pool(likers.length, 10, (i) =>
    ApiClient.signedIn(stack.apps[i % stack.apps.length]!.url, likers[i]!.username, PASSWORD),
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
  const serverSide = stack.pgbouncer ? (await stack.pgbouncer.pools()).find((p) => p.database === database) : undefined;
  console.log(
    [
      `${apps} apps + ${workers} workers, ${pooled ? "through PgBouncer (transaction pooling)" : "straight to Postgres"}`,
      `postgres backends for the database: idle ${idleBefore}, peak under load ${peak}, idle after ${idleAfter}`,
      `load: ${answered} likes answered 200 of ${clients.length * posts.length} (40 users at once) in ${seconds.toFixed(1)} s`,
      serverSide
        ? `pgbouncer pool now: ${serverSide.sv_active + serverSide.sv_idle + serverSide.sv_used} server connections`
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
