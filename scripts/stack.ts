// npm run stack: the docker-compose topology on this machine, without Docker.
//   Postgres + Redis (the machine's services), migrations + seed, the app, the worker, and nginx
//   in front on http://localhost:8080 and https://localhost:8443, with the very nginx templates
//   the compose file uses (only the upstream addresses differ).
//   npm run stack -- --scale     two app instances and two workers behind nginx
//   npm run stack -- --observe   also Prometheus (UI on http://127.0.0.1:9090, STACK_PROMETHEUS_PORT
//                                to change) and the nginx, Postgres and Redis exporters, scraping
//                                every process's /metrics (tooling/prometheus.ts)
//   npm run stack -- --no-pgbouncer   apps, workers and seed straight to Postgres (default: through
//                                PgBouncer, transaction pooling, on a free port; tooling/pgbouncer.ts)
//   npm run stack -- --ha        the data tier that survives losing a machine, from Debian's packages:
//                                Postgres as two Patroni nodes with etcd, HAProxy in front of the
//                                leader and PgBouncer in front of HAProxy (tooling/patroni.ts); Redis
//                                as a primary, a replica and three Sentinels (tooling/redis-ha.ts).
//                                A fresh cluster each time, stopped with the stack; combines with
//                                --scale and --observe. docs/deployment.md, "Outgrowing one machine".
//   Ctrl-C stops everything.
// An app or worker that exits on its own is reported (exit code or signal, its last log lines) and
// restarted, after 0.5 s, then 1 s, 2 s… up to 15 s; one that exits 5 times within a minute is in
// a crash loop, and the stack stops with that reason (tooling/supervisor.ts).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO_OPT_IN } from "../server/demo-secrets";
import { buildIfNeeded } from "../tooling/next-build";
import { nginxOnPorts } from "../tooling/nginx";
import { ROOT } from "../tooling/paths";
import { observeStack, type RunningPrometheus } from "../tooling/prometheus";
import { startStack, type Stack } from "../tooling/stack";
import type { SupervisorEvent } from "../tooling/supervisor";

const scaled = process.argv.includes("--scale");
const observed = process.argv.includes("--observe");
const pooled = !process.argv.includes("--no-pgbouncer");
const highlyAvailable = process.argv.includes("--ha");
const prometheusPort = Number(process.env.STACK_PROMETHEUS_PORT ?? 9090);
const httpPort = Number(process.env.STACK_HTTP_PORT ?? 8080);
const httpsPort = Number(process.env.STACK_HTTPS_PORT ?? 8443);
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/likes";

/** This checkout's own random session secret, kept in .stack/ (gitignored) so sessions survive restarts. */
function localSecret(): string {
  const file = path.join(ROOT, ".stack", "nextauth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${stamp()}  ${line}`);

let stack: Stack | undefined;
let prometheus: RunningPrometheus | undefined;
let stopping = false;
const stop = async (reason: string, exitCode = 0) => {
  if (stopping) return;
  stopping = true;
  say(`${reason}: stopping nginx, apps, workers…`);
  await prometheus?.stop();
  await stack?.stop();
  say("stopped");
  process.exit(exitCode);
};

function onSupervisorEvent(event: SupervisorEvent) {
  const indent = (lines: string[]) => lines.map((l) => `             | ${l}`).join("\n");
  switch (event.kind) {
    case "exited":
      say(`${event.name.padEnd(9)} EXITED (${event.how}); its last lines:\n${indent(event.lastLines)}`);
      break;
    case "restarting":
      say(`${event.name.padEnd(9)} restarting in ${event.delayMs} ms (restart ${event.attempt})`);
      break;
    case "restarted":
      say(`${event.name.padEnd(9)} ready again`);
      break;
    case "restart-failed":
      say(`${event.name.padEnd(9)} failed to start: ${event.error.split("\n")[0]}`);
      break;
    case "crash-loop":
      say(
        `${event.name.padEnd(9)} is in a crash loop: it exited ${event.exits} times within ${event.windowMs / 1000} s. Not restarting it; read .stack/local/${event.name}.log.`,
      );
      void stop(`crash loop in ${event.name}`, 1);
      break;
  }
}

try {
  buildIfNeeded(say);
  stack = await startStack({
    runDir: path.join(ROOT, ".stack", "local"),
    databaseUrl, // kept between runs: this is the developer's database, not a test's
    // The photos posted to that database, kept beside it between runs too.
    uploadsDir: process.env.UPLOADS_DIR ?? path.join(ROOT, ".stack", "local", "uploads"),
    redis: "system",
    pgbouncer: pooled,
    postgresHa: highlyAvailable,
    redisHa: highlyAvailable,
    seed: true,
    apps: scaled ? 2 : 1,
    appPorts: scaled ? [3000, 3001] : [3000],
    workers: scaled ? 2 : 1,
    // The certificate is kept between runs, so a browser that accepted it once keeps accepting it.
    // With --observe, nginx also serves stub_status, on a free port of its own, for its exporter.
    nginx: nginxOnPorts(httpPort, httpsPort, { certDir: path.join(ROOT, "nginx", "certs"), status: observed }),
    env: {
      REDIS_PREFIX: process.env.REDIS_PREFIX ?? "likes",
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? localSecret(),
      // A local demo: the seed gives alice, bob and carol the public demo password, which
      // production (NODE_ENV=production, as the stack runs) refuses otherwise (server/demo-secrets.ts).
      [DEMO_OPT_IN]: process.env[DEMO_OPT_IN] ?? "true",
    },
    report: say,
    supervise: { onEvent: onSupervisorEvent },
    // Warnings and errors from any process; everything else is in .stack/local/<name>.log.
    onLine: (name, line) => {
      if (/"level":(40|50|60)/.test(line) || !line.startsWith("{"))
        console.log(`${stamp()}  ${name.padEnd(9)} ${line}`);
    },
  });
  say(
    `open ${stack.httpUrl} (or ${stack.httpsUrl}, self-signed) and sign in as alice, bob or carol / ${process.env.SEED_PASSWORD ?? "demo1234"}`,
  );
  if (observed) {
    prometheus = await observeStack(stack, {
      runDir: path.join(ROOT, ".stack", "local", "prometheus"),
      port: prometheusPort,
      log: say,
    });
    say(`prometheus: open ${prometheus.url} (targets: ${prometheus.url}/targets, alerts: ${prometheus.url}/alerts)`);
  }
  say(`logs in .stack/local/; Ctrl-C to stop`);

  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  console.error(`\nstack failed to start: ${(error as Error).message}`);
  process.exit(1);
}
