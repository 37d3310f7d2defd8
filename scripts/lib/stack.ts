// The whole topology of docker-compose.yml, outside containers: Postgres and Redis, migrations and
// seed, N app servers, M workers, and (optionally) nginx in front. Used by `npm run stack`, by the
// integration tests (each test file starts its own) and by the Playwright suite.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import pg from "pg";
import { applyMigrations } from "./migrations";
import { canConnect, freePort, spawnProc, waitFor, type Proc } from "./processes";
import { Supervisor, type SupervisorOptions } from "./supervisor";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE_TSX = ["--import", "tsx"];

export type RedisServer = {
  url: string;
  port: number;
  proc: Proc | null;
  start(): Promise<void>;
  stop(): Promise<void>;
};
/** Starts nginx in front of `upstreams`; `uploadsDir` is the apps' UPLOADS_DIR, which nginx serves. */
export type NginxStarter = (
  upstreams: string[],
  runDir: string,
  shared: { uploadsDir: string },
) => Promise<{ httpUrl: string; httpsUrl: string; stop(): Promise<void> }>;

export type StackOptions = {
  /** Folder for logs and runtime files: <ROOT>/.stack/<name> or a test folder. */
  runDir: string;
  apps?: number;
  workers?: number;
  /** Ports for the app instances; default: free ports. */
  appPorts?: number[];
  /** "system": the machine's Redis at REDIS_URL; "private": a redis-server of our own on a free port. */
  redis?: "system" | "private";
  /** Database to use; created and migrated if missing. Default: a fresh database, dropped on stop. */
  databaseUrl?: string;
  /**
   * Where the apps store posted photos (UPLOADS_DIR) and nginx serves them from. Default: a fresh
   * directory under the system's temp directory (which nginx's workers can reach even when the
   * checkout cannot be), removed on stop, like the default database.
   */
  uploadsDir?: string;
  seed?: boolean;
  nginx?: NginxStarter;
  /** Extra environment for the app and worker processes (rate limits, log level…). */
  env?: Record<string, string>;
  /** Called with a short line as each service becomes ready. */
  report?: (line: string) => void;
  /** Called with every output line of every process, prefixed by its name. */
  onLine?: (name: string, line: string) => void;
  /**
   * Restart apps and workers that exit unexpectedly, with backoff, and report it
   * (scripts/lib/supervisor.ts). Off by default: tests stop and kill processes on purpose.
   */
  supervise?: Omit<SupervisorOptions, "onEvent"> & { onEvent: SupervisorOptions["onEvent"] };
};

export type Stack = {
  env: Record<string, string>;
  databaseUrl: string;
  redis: RedisServer;
  apps: { name: string; url: string; port: number; proc: Proc }[];
  workers: Proc[];
  httpUrl: string | null;
  httpsUrl: string | null;
  startWorker(name?: string): Promise<Proc>;
  /** The supervisor, when the stack was started with `supervise`. */
  supervisor: Supervisor | null;
  stop(): Promise<void>;
};

export function requireBinary(binary: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/usr/bin", "/sbin"])) {
    const candidate = path.join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${binary} not found: install it with \`apt-get install ${debianPackage}\``);
}

/** A redis-server of our own: nothing persisted, so tests can stop and restart it at will. */
export async function startPrivateRedis(runDir: string, port?: number): Promise<RedisServer> {
  const binary = requireBinary("redis-server", "redis-server");
  const chosen = port ?? (await freePort());
  let proc: Proc | null = null;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    get proc() {
      return proc;
    },
    async start() {
      proc = spawnProc(
        "redis",
        binary,
        ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", runDir],
        {
          logFile: path.join(runDir, "redis.log"),
        },
      );
      await waitFor(`redis on :${chosen}`, () => canConnect(chosen), { proc, timeoutMs: 10_000 });
    },
    async stop() {
      await proc?.stop("SIGTERM", 5000);
      proc = null;
    },
  };
  await server.start();
  return server;
}

function adminUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const client = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** True when .next holds a production build newer than every source file. */
export function buildIsFresh(): boolean {
  const marker = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(marker)) return false;
  const builtAt = statSync(marker).mtimeMs;
  const newer = (dir: string): boolean =>
    existsSync(dir) &&
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== "generated" && newer(full);
      return statSync(full).mtimeMs > builtAt;
    });
  return (
    !["app", "server", "public", "shared"].some((d) => newer(path.join(ROOT, d))) &&
    !["next.config.js", "package.json", "prisma/schema.prisma"].some(
      (f) => statSync(path.join(ROOT, f)).mtimeMs > builtAt,
    )
  );
}

export function buildIfNeeded(report: (line: string) => void = () => undefined): void {
  if (buildIsFresh()) return;
  report("building the app (next build)…");
  try {
    execFileSync("npm", ["run", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
  } catch (error) {
    // A failed build can leave BUILD_ID behind; without it the next run builds again.
    rmSync(path.join(ROOT, ".next", "BUILD_ID"), { force: true });
    throw error;
  }
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const report = opts.report ?? (() => undefined);
  mkdirSync(opts.runDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  // Stopped first on the way down, so the exits that follow are not taken for crashes.
  const supervisor = opts.supervise ? new Supervisor(opts.supervise) : null;
  const stopAll = async () => {
    supervisor?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    // Postgres: the machine's server; a database of our own.
    const ownDatabase = !opts.databaseUrl;
    const databaseUrl =
      opts.databaseUrl ??
      `postgresql://postgres@127.0.0.1:5432/likes_${path.basename(opts.runDir).replace(/\W/g, "_")}_${Date.now().toString(36)}`;
    const dbPort = Number(new URL(databaseUrl).port || 5432);
    if (!(await canConnect(dbPort, new URL(databaseUrl).hostname))) {
      requireBinary("postgres", "postgresql");
      throw new Error(
        `Postgres is not answering at ${new URL(databaseUrl).host}: start it (pg_ctlcluster 15 main start) or set DATABASE_URL`,
      );
    }
    const applied = await applyMigrations(databaseUrl);
    if (ownDatabase) cleanups.push(() => dropDatabase(databaseUrl));
    report(
      `postgres  ready  ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname} (${applied.length ? `applied ${applied.join(", ")}` : "migrations up to date"})`,
    );

    // Redis.
    let redis: RedisServer;
    if (opts.redis === "system") {
      const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
      const port = Number(new URL(url).port || 6379);
      if (!(await canConnect(port, new URL(url).hostname))) {
        throw new Error(
          `Redis is not answering at ${url}: start it or install it with \`apt-get install redis-server\``,
        );
      }
      redis = { url, port, proc: null, start: async () => undefined, stop: async () => undefined };
    } else {
      redis = await startPrivateRedis(opts.runDir);
      cleanups.push(() => redis.stop());
    }
    report(`redis     ready  ${redis.url}`);

    // Posted photos.
    let uploadsDir = opts.uploadsDir;
    if (!uploadsDir) {
      const own = await mkdtemp(path.join(tmpdir(), "likes-uploads-"));
      await chmod(own, 0o755); // mkdtemp makes it 0700; nginx's unprivileged workers read it
      cleanups.push(() => rm(own, { recursive: true, force: true }));
      uploadsDir = own;
    }
    mkdirSync(uploadsDir, { recursive: true });

    const env: Record<string, string> = {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `likes-${path.basename(opts.runDir).replace(/[^a-zA-Z0-9_-]/g, "")}`,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "local-stack-secret-not-for-production-000000",
      AUTH_TRUST_HOST: "true",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      UPLOADS_DIR: uploadsDir,
      ...opts.env,
    };

    if (opts.seed) {
      execFileSync(process.execPath, [...NODE_TSX, "prisma/seed.ts"], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: "pipe",
      });
      report("seed      done   alice, bob, carol");
    }

    const childEnv = (extra: Record<string, string>) => {
      const merged: NodeJS.ProcessEnv = { ...process.env, ...env, ...extra };
      // Behind nginx the origin comes from its forwarded headers; a NEXTAUTH_URL left in the
      // shell would pin every URL and cookie name to itself (docs/decisions/004).
      if (!("NEXTAUTH_URL" in env)) delete merged.NEXTAUTH_URL;
      return merged;
    };
    const onLine = (name: string) => (line: string) => opts.onLine?.(name, line);

    const workers: Proc[] = [];
    /** Starts a worker and waits until it is ready; stops it if it never gets there. */
    const launchWorker = async (name: string, track: (proc: Proc) => void) => {
      const proc = spawnProc(name, process.execPath, [...NODE_TSX, "workers/notifications.ts"], {
        cwd: ROOT,
        env: childEnv({ INSTANCE_ID: name, SERVICE_NAME: "worker" }),
        logFile: path.join(opts.runDir, `${name}.log`),
        onLine: onLine(name),
        ipc: true,
      });
      track(proc); // before waiting, so a worker that never gets ready is still stopped
      // The worker reports readiness over IPC, whatever its log level.
      await waitFor(`${name} ready`, async () => proc.messages.some((m) => (m as { type?: string }).type === "ready"), {
        proc,
        timeoutMs: 30_000,
      });
      return proc;
    };
    const startWorker = async (name = `worker-${workers.length + 1}`) => {
      const proc = await launchWorker(name, (p) => workers.push(p));
      supervisor?.watch(
        name,
        proc,
        () => launchWorker(name, (p) => workers.push(p)),
        (replacement) => {
          // The dead process leaves the list; its replacement is already in it.
          const alive = workers.filter(
            (w) => w === replacement || w.name !== name || (w.child.exitCode === null && w.child.signalCode === null),
          );
          workers.splice(0, workers.length, ...alive);
        },
      );
      return proc;
    };
    cleanups.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });

    const apps: Stack["apps"] = [];
    cleanups.push(async () => {
      await Promise.all(apps.map((a) => a.proc.stop()));
    });
    /** Starts app instance `name` on `port` and waits for it to answer; stops it if it never does. */
    const launchApp = async (name: string, port: number, track: (proc: Proc) => void) => {
      const proc = spawnProc(name, process.execPath, [...NODE_TSX, "server/main.ts"], {
        cwd: ROOT,
        env: childEnv({ PORT: String(port), INSTANCE_ID: name, SERVICE_NAME: "app" }),
        logFile: path.join(opts.runDir, `${name}.log`),
        onLine: onLine(name),
      });
      track(proc); // before waiting, so an app that never gets ready is still stopped
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${name} health`, async () => (await fetch(`${url}/api/health?scope=instance`)).ok, {
        proc,
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      return proc;
    };
    const appCount = opts.apps ?? 1;
    for (let i = 0; i < appCount; i++) {
      const port = opts.appPorts?.[i] ?? (await freePort());
      const name = `app-${i + 1}`;
      const url = `http://127.0.0.1:${port}`;
      const entry = { name, url, port, proc: undefined as unknown as Proc };
      apps.push(entry);
      const proc = await launchApp(name, port, (p) => (entry.proc = p));
      // A restarted instance comes back on the same port: nginx's upstream list does not change.
      supervisor?.watch(name, proc, () => launchApp(name, port, (p) => (entry.proc = p)));
      report(`${name.padEnd(9)} ready  ${url}`);
    }

    for (let i = 0; i < (opts.workers ?? 1); i++) {
      const proc = await startWorker();
      report(`${proc.name.padEnd(9)} ready`);
    }

    let httpUrl: string | null = null;
    let httpsUrl: string | null = null;
    if (opts.nginx) {
      const nginx = await opts.nginx(
        apps.map((a) => `127.0.0.1:${a.port}`),
        path.join(opts.runDir, "nginx"),
        { uploadsDir },
      );
      cleanups.push(() => nginx.stop());
      httpUrl = nginx.httpUrl;
      httpsUrl = nginx.httpsUrl;
      report(`nginx     ready  ${httpUrl}  ${httpsUrl}`);
    }

    let stopped: Promise<void> | null = null;
    return {
      env,
      databaseUrl,
      redis,
      apps,
      workers,
      httpUrl,
      httpsUrl,
      startWorker,
      supervisor,
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
