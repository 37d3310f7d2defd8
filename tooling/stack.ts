// The whole topology of docker-compose.yml, outside containers: Postgres and Redis, migrations and
// seed, N app servers, M workers, and (optionally) nginx in front. Used by `npm run stack`, by the
// integration and fault tests (each test file starts its own), by the Playwright suite and by the
// bench.
//
// startStack reads in the order things start: the database, Redis, the uploads folder, the seed,
// the apps, the workers, nginx. Whatever has started is stopped again in reverse order, on stop()
// or as soon as a later step fails.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations } from "./migrations";
import type { NginxStarter, RunningNginx } from "./nginx";
import { startPgBouncer, type RunningPgBouncer } from "./pgbouncer";
import { ROOT } from "./paths";
import { startPostgresHa, type PostgresHa } from "./patroni";
import { assertPostgresAnswers, dropDatabase, freshDatabaseUrl } from "./postgres";
import { freePort, spawnProc, waitFor, type Proc } from "./processes";
import { startPrivateRedis, systemRedis, type RedisServer } from "./redis";
import { startRedisHa, type RedisHa } from "./redis-ha";
import { Supervisor, type SupervisorOptions } from "./supervisor";

const NODE_TSX = ["--import", "tsx"];

export type StackOptions = {
  /** Folder for logs and runtime files: <ROOT>/.stack/<name> or a test folder. */
  runDir: string;
  apps?: number;
  workers?: number;
  /** Ports for the app instances; default: free ports. */
  appPorts?: number[];
  /** "system": the machine's Redis at REDIS_URL; "private": a redis-server of our own on a free port. */
  redis?: "system" | "private";
  /**
   * A primary, a replica and three Sentinels of the stack's own (tooling/redis-ha.ts) instead:
   * apps and workers get REDIS_SENTINELS and REDIS_SENTINEL_NAME, no REDIS_URL.
   */
  redisHa?: boolean;
  /** Database to use; created and migrated if missing. Default: a fresh database, dropped on stop. */
  databaseUrl?: string;
  /**
   * Where the apps store posted photos (UPLOADS_DIR) and nginx serves them from. Default: a fresh
   * directory under the system's temp directory (which nginx's workers can reach even when the
   * checkout cannot be), removed on stop, like the default database.
   */
  uploadsDir?: string;
  seed?: boolean;
  /**
   * PgBouncer (transaction pooling) between the apps, workers and seed and Postgres; migrations
   * and Stack.databaseUrl stay direct. Default: on.
   */
  pgbouncer?: boolean;
  /**
   * Postgres HA of its own (tooling/patroni.ts) instead of the machine's: migrations go to
   * HAProxy's address, the processes through PgBouncer in front of it.
   */
  postgresHa?: boolean;
  nginx?: NginxStarter;
  /** Extra environment for the app and worker processes (rate limits, log level…). */
  env?: Record<string, string>;
  /** Called with a short line as each service becomes ready. */
  report?: (line: string) => void;
  /** Called with every output line of every process, prefixed by its name. */
  onLine?: (name: string, line: string) => void;
  /**
   * Restart apps and workers that exit unexpectedly, with backoff, and report it
   * (tooling/supervisor.ts). Off by default: tests stop and kill processes on purpose.
   */
  supervise?: Omit<SupervisorOptions, "onEvent"> & { onEvent: SupervisorOptions["onEvent"] };
};

/** `metricsUrl`: the process's own metrics listener (GET /metrics), on a free port of its own. */
export type StackApp = { name: string; url: string; port: number; metricsUrl: string; proc: Proc };
export type StackWorker = Proc & { metricsUrl: string };

export type Stack = {
  /** Its logs: <name>.log per process, nginx/access.log. */
  runDir: string;
  /** Where a client reaches the stack: nginx's plain HTTP listener when it runs, else the first app. */
  url: string;
  env: Record<string, string>;
  /** Postgres itself (migrations, tests' direct reads); the processes use env.DATABASE_URL. */
  databaseUrl: string;
  pgbouncer: RunningPgBouncer | null;
  /** With redisHa: the current primary (its url follows failovers). */
  redis: RedisServer;
  /** The Sentinel-watched Redis, when the stack was started with redisHa. */
  redisHa: RedisHa | null;
  apps: StackApp[];
  /** The running workers; a test that stops one itself takes it out of this list. */
  workers: StackWorker[];
  httpUrl: string | null;
  httpsUrl: string | null;
  /** nginx's stub_status, when nginx runs with its status listener (NginxInFrontOptions.status). */
  nginxStatusUrl: string | null;
  startWorker(name?: string): Promise<StackWorker>;
  /** The supervisor, when the stack was started with `supervise`. */
  supervisor: Supervisor | null;
  /** The Patroni cluster, when the stack was started with `postgresHa`. */
  postgresHa: PostgresHa | null;
  stop(): Promise<void>;
};

/** What has to be undone when the stack stops, run last-in first-out. */
class Teardown {
  private readonly steps: (() => Promise<void>)[] = [];
  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) await step().catch(() => undefined);
    this.steps.length = 0;
  }
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const report = opts.report ?? (() => undefined);
  mkdirSync(opts.runDir, { recursive: true });
  const teardown = new Teardown();
  // Stopped first on the way down, so the exits that follow are not taken for crashes.
  const supervisor = opts.supervise ? new Supervisor(opts.supervise) : null;
  const stopAll = async () => {
    supervisor?.stop();
    await teardown.run();
  };

  try {
    const postgresHa = opts.postgresHa
      ? await startPostgresHa({ runDir: path.join(opts.runDir, "postgres-ha"), report })
      : null;
    if (postgresHa) teardown.add(() => postgresHa.stop());
    const databaseUrl = await prepareDatabase(
      postgresHa?.databaseUrl ?? opts.databaseUrl,
      opts.runDir,
      teardown,
      report,
    );
    // PgBouncer's upstream is whatever databaseUrl names: Postgres itself, or HAProxy in HA.
    const pgbouncer = opts.pgbouncer === false ? null : await startPooler(databaseUrl, opts.runDir, teardown, report);
    const { redis, redisHa } = await startRedis(opts, teardown, report);
    const uploadsDir = await prepareUploads(opts.uploadsDir, teardown);
    const processDatabaseUrl = pgbouncer?.url(databaseUrl) ?? databaseUrl;
    const redisEnv: Record<string, string> = redisHa
      ? { REDIS_SENTINELS: redisHa.sentinels, REDIS_SENTINEL_NAME: redisHa.masterName }
      : { REDIS_URL: redis.url };
    const env = stackEnvironment(opts, { databaseUrl: processDatabaseUrl, redisEnv, uploadsDir });
    if (opts.seed) seedDatabase(env, report);

    const children: ChildContext = { env, runDir: opts.runDir, onLine: opts.onLine };
    const workers = workerPool(children, supervisor, teardown);
    const apps = await startApps(children, opts, supervisor, teardown, report);
    for (let i = 0; i < (opts.workers ?? 1); i++) {
      const worker = await workers.start();
      report(`${worker.name.padEnd(9)} ready  metrics ${metricsShown(env, worker.metricsUrl)}`);
    }
    const nginx = opts.nginx ? await startNginxInFront(opts.nginx, apps, opts.runDir, uploadsDir, teardown) : null;
    if (nginx) report(`nginx     ready  ${nginx.httpUrl}  ${nginx.httpsUrl}`);

    let stopped: Promise<void> | null = null;
    return {
      runDir: opts.runDir,
      url: nginx?.httpUrl ?? apps[0]?.url ?? "",
      env,
      databaseUrl,
      pgbouncer,
      redis,
      redisHa,
      apps,
      workers: workers.running,
      httpUrl: nginx?.httpUrl ?? null,
      httpsUrl: nginx?.httpsUrl ?? null,
      nginxStatusUrl: nginx?.statusUrl ?? null,
      startWorker: (name) => workers.start(name),
      supervisor,
      postgresHa,
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Postgres: the machine's server, with the stack's database migrated (a fresh one unless given). */
async function prepareDatabase(
  given: string | undefined,
  runDir: string,
  teardown: Teardown,
  report: (line: string) => void,
): Promise<string> {
  const databaseUrl = given ?? freshDatabaseUrl(runDir);
  await assertPostgresAnswers(databaseUrl);
  const applied = await applyMigrations(databaseUrl);
  if (!given) teardown.add(() => dropDatabase(databaseUrl));
  const { host, pathname } = new URL(databaseUrl);
  const migrations = applied.length ? `applied ${applied.join(", ")}` : "migrations up to date";
  report(`postgres  ready  ${host}${pathname} (${migrations})`);
  return databaseUrl;
}

/** PgBouncer in front of the stack's Postgres; stopped after the apps and workers. */
async function startPooler(databaseUrl: string, runDir: string, teardown: Teardown, report: (line: string) => void) {
  const { hostname, port, username, password } = new URL(databaseUrl);
  const pgbouncer = await startPgBouncer({
    runDir,
    upstream: { host: hostname, port: Number(port || 5432) },
    users: [{ name: decodeURIComponent(username || "postgres"), password: decodeURIComponent(password) }],
    report,
  });
  teardown.add(() => pgbouncer.stop());
  return pgbouncer;
}

async function startRedis(opts: StackOptions, teardown: Teardown, report: (line: string) => void) {
  if (opts.redisHa) {
    const redisHa = await startRedisHa({ runDir: path.join(opts.runDir, "redis-ha"), report });
    teardown.add(() => redisHa.stop());
    return { redis: redisHa.server, redisHa };
  }
  let redis: RedisServer;
  if (opts.redis === "system") redis = await systemRedis();
  else {
    redis = await startPrivateRedis(opts.runDir);
    teardown.add(() => redis.stop());
  }
  report(`redis     ready  ${redis.url}`);
  return { redis, redisHa: null };
}

/** The folder posted photos go to: the one given, or a fresh one removed on stop. */
async function prepareUploads(given: string | undefined, teardown: Teardown): Promise<string> {
  let uploadsDir = given;
  if (!uploadsDir) {
    const own = await mkdtemp(path.join(tmpdir(), "likes-uploads-"));
    await chmod(own, 0o755); // mkdtemp makes it 0700; nginx's unprivileged workers read it
    teardown.add(() => rm(own, { recursive: true, force: true }));
    uploadsDir = own;
  }
  mkdirSync(uploadsDir, { recursive: true });
  return uploadsDir;
}

/** The environment every app and worker of the stack runs with (and the seed). */
function stackEnvironment(
  opts: StackOptions,
  services: { databaseUrl: string; redisEnv: Record<string, string>; uploadsDir: string },
): Record<string, string> {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: services.databaseUrl,
    ...services.redisEnv,
    REDIS_PREFIX: `likes-${path.basename(opts.runDir).replace(/[^a-zA-Z0-9_-]/g, "")}`,
    // Its own random secret per stack: production (NODE_ENV above) refuses a public one
    // (server/demo-secrets.ts), and tests read it back from stack.env.
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? randomBytes(32).toString("base64"),
    AUTH_TRUST_HOST: "true",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    UPLOADS_DIR: services.uploadsDir,
    ...opts.env,
  };
}

function seedDatabase(env: Record<string, string>, report: (line: string) => void): void {
  execFileSync(process.execPath, [...NODE_TSX, "prisma/seed.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: "pipe",
  });
  report("seed      done   alice, bob, carol");
}

/** The shell's environment as it is when the process starts, under the stack's own. */
function childEnvironment(env: Record<string, string>, extra: Record<string, string>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env, ...extra };
  // Behind nginx the origin comes from its forwarded headers; a NEXTAUTH_URL left in the
  // shell would pin every URL and cookie name to itself (docs/decisions/004).
  if (!("NEXTAUTH_URL" in env)) delete merged.NEXTAUTH_URL;
  // Exactly one way to reach Redis (server/env.ts): the stack's, not one left in the shell.
  for (const name of ["REDIS_URL", "REDIS_SENTINELS", "REDIS_SENTINEL_NAME"]) if (!(name in env)) delete merged[name];
  return merged;
}

/** What every app and worker process of the stack is started with. */
type ChildContext = {
  env: Record<string, string>;
  runDir: string;
  onLine: StackOptions["onLine"];
};

function spawnChild(children: ChildContext, name: string, entry: string, env: Record<string, string>, ipc = false) {
  return spawnProc(name, process.execPath, [...NODE_TSX, entry], {
    cwd: ROOT,
    env: childEnvironment(children.env, env),
    logFile: path.join(children.runDir, `${name}.log`),
    onLine: (line) => children.onLine?.(name, line),
    ipc,
  });
}

/**
 * Starts app instance `name` on `port` and waits until its instance health answers. `track` gets
 * the process before the wait, so one that never gets ready is still stopped.
 */
async function launchApp(
  children: ChildContext,
  name: string,
  ports: { port: number; metricsPort: number },
  track: (proc: Proc) => void,
) {
  const { port, metricsPort } = ports;
  const proc = spawnChild(children, name, "server/main.ts", {
    PORT: String(port),
    METRICS_PORT: metricsPortFor(children, metricsPort),
    INSTANCE_ID: name,
    SERVICE_NAME: "app",
  });
  track(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${name} health`, async () => (await fetch(`${url}/api/health?scope=instance`)).ok, {
    proc,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return proc;
}

/** The app instances, one after the other; a supervised one comes back on the same port. */
async function startApps(
  children: ChildContext,
  opts: StackOptions,
  supervisor: Supervisor | null,
  teardown: Teardown,
  report: (line: string) => void,
): Promise<StackApp[]> {
  const apps: StackApp[] = [];
  teardown.add(async () => {
    await Promise.all(apps.map((a) => a.proc.stop()));
  });
  for (let i = 0; i < (opts.apps ?? 1); i++) {
    const port = opts.appPorts?.[i] ?? (await freePort());
    const metricsPort = await freePort();
    const name = `app-${i + 1}`;
    const app: StackApp = {
      name,
      url: `http://127.0.0.1:${port}`,
      port,
      metricsUrl: metricsUrl(metricsPort),
      proc: undefined as unknown as Proc,
    };
    apps.push(app);
    const proc = await launchApp(children, name, { port, metricsPort }, (p) => (app.proc = p));
    // Same ports, so nginx's upstream list and the metrics URL do not change.
    supervisor?.watch(name, proc, () => launchApp(children, name, { port, metricsPort }, (p) => (app.proc = p)));
    report(`${name.padEnd(9)} ready  ${app.url}  metrics ${metricsShown(children.env, app.metricsUrl)}`);
  }
  return apps;
}

/** Starts a worker and waits for its "ready" message over IPC (sent whatever its log level). */
async function launchWorker(
  children: ChildContext,
  name: string,
  metricsPort: number,
  track: (proc: StackWorker) => void,
) {
  const child = spawnChild(
    children,
    name,
    "workers/notifications.ts",
    { INSTANCE_ID: name, SERVICE_NAME: "worker", METRICS_PORT: metricsPortFor(children, metricsPort) },
    true,
  );
  const proc: StackWorker = Object.assign(child, { metricsUrl: metricsUrl(metricsPort) });
  track(proc); // before waiting, so a worker that never gets ready is still stopped
  await waitFor(`${name} ready`, async () => proc.messages.some((m) => (m as { type?: string }).type === "ready"), {
    proc,
    timeoutMs: 30_000,
  });
  return proc;
}

/** The stack's workers, started on demand (tests replace the ones they stop); they stop after the apps. */
function workerPool(children: ChildContext, supervisor: Supervisor | null, teardown: Teardown) {
  const running: StackWorker[] = [];
  teardown.add(async () => {
    await Promise.all(running.map((w) => w.stop()));
  });
  const track = (proc: StackWorker) => running.push(proc);
  const start = async (name = `worker-${running.length + 1}`) => {
    const metricsPort = await freePort();
    const proc = await launchWorker(children, name, metricsPort, track);
    // A restarted worker keeps its metrics port: a scraper's target list does not change.
    supervisor?.watch(
      name,
      proc,
      () => launchWorker(children, name, metricsPort, track),
      (replacement) => {
        // The dead process leaves the list; its replacement is already in it.
        const alive = running.filter(
          (w) => w === replacement || w.name !== name || (w.child.exitCode === null && w.child.signalCode === null),
        );
        running.splice(0, running.length, ...alive);
      },
    );
    return proc;
  };
  return { running, start };
}

const metricsUrl = (port: number) => `http://127.0.0.1:${port}/metrics`;
const metricsShown = (env: Record<string, string>, url: string) => (env.METRICS_PORT === "0" ? "off" : url);
/** Each process's own free port, unless the stack was started with METRICS_PORT=0 (metrics off: the bench). */
const metricsPortFor = (children: ChildContext, port: number) =>
  children.env.METRICS_PORT === "0" ? "0" : String(port);

async function startNginxInFront(
  starter: NginxStarter,
  apps: StackApp[],
  runDir: string,
  uploadsDir: string,
  teardown: Teardown,
): Promise<RunningNginx> {
  const nginx = await starter(
    apps.map((a) => `127.0.0.1:${a.port}`),
    path.join(runDir, "nginx"),
    { uploadsDir },
  );
  teardown.add(() => nginx.stop());
  return nginx;
}
