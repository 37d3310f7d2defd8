// Debian's PgBouncer in front of a Postgres (or anything that speaks for one, e.g. HAProxy in front
// of a Patroni cluster): transaction pooling on a free loopback port, its config and auth file in
// the run dir. The stacks put it between the apps/workers and the database (docs/decisions/025).
import { writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { canConnect, freePort, requireBinary, spawnProc, waitFor, type Proc } from "./processes";

export type PgBouncerOptions = {
  runDir: string;
  upstream: { host: string; port: number };
  /** Server connections per (database, user) pair: default 20. */
  poolSize?: number;
  /** Users clients may log in as (auth_file); their password is also used to log in upstream. */
  users?: { name: string; password?: string }[];
  /** A port to listen on; default: a free one. */
  port?: number;
  report?: (line: string) => void;
};

/** One row of SHOW POOLS (the counts as numbers), for one (database, user) pool. */
export type PgBouncerPool = {
  database: string;
  user: string;
  cl_active: number;
  cl_waiting: number;
  sv_active: number;
  sv_idle: number;
  sv_used: number;
  sv_login: number;
  pool_mode: string;
};

export type RunningPgBouncer = {
  host: string;
  port: number;
  /** The running process's pid, or null while it is stopped. */
  readonly pid: number | null;
  readonly proc: Proc | null;
  /** The same database, user and password as `databaseUrl`, reached through PgBouncer. */
  url(databaseUrl: string): string;
  /** Starts it again on the same port (after stop() or kill()). */
  start(): Promise<void>;
  /** SIGINT: PgBouncer's safe shutdown waits for transactions in flight; SIGKILL after the grace. */
  stop(): Promise<void>;
  /** Sends `signal` and waits for the exit (SIGKILL: a crash; SIGTERM: immediate shutdown). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SHOW POOLS through the admin console. */
  pools(): Promise<PgBouncerPool[]>;
  /** Any SHOW command of the admin console (STATS, SERVERS, CLIENTS…), rows as PgBouncer gives them. */
  show(what: string): Promise<Record<string, unknown>[]>;
};

const DEFAULT_POOL_SIZE = 20;

/** The .ini PgBouncer reads: every database name is forwarded to the upstream under the client's user. */
export function pgBouncerConfig(opts: {
  port: number;
  upstream: { host: string; port: number };
  poolSize: number;
  authFile: string;
  adminUsers: string[];
}): string {
  return [
    "[databases]",
    `* = host=${opts.upstream.host} port=${opts.upstream.port}`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${opts.port}`,
    // TCP only: no socket file in a directory the unprivileged user would have to own.
    "unix_socket_dir =",
    // Loopback-only, in front of a Postgres that trusts loopback: the users still have to be listed.
    "auth_type = trust",
    `auth_file = ${opts.authFile}`,
    `admin_users = ${opts.adminUsers.join(",")}`,
    `stats_users = ${opts.adminUsers.join(",")}`,
    // A server connection is lent for one transaction: session state must not outlive it (ADR 025).
    "pool_mode = transaction",
    `default_pool_size = ${opts.poolSize}`,
    "max_client_conn = 1000",
    // Sent by some drivers at startup; PgBouncer refuses a startup parameter it does not track.
    "ignore_startup_parameters = extra_float_digits",
    // A client queued while no server connection can be made gets an error in seconds, not minutes.
    "query_wait_timeout = 15",
    "server_login_retry = 1",
    "",
  ].join("\n");
}

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function startPgBouncer(opts: PgBouncerOptions): Promise<RunningPgBouncer> {
  const binary = requireBinary("pgbouncer", "pgbouncer");
  const host = "127.0.0.1";
  const port = opts.port ?? (await freePort());
  const users = opts.users ?? [{ name: "postgres" }];
  const authFile = path.join(opts.runDir, "pgbouncer-users.txt");
  const configFile = path.join(opts.runDir, "pgbouncer.ini");
  writeFileSync(authFile, users.map((u) => `${quoted(u.name)} ${quoted(u.password ?? "")}`).join("\n") + "\n", {
    mode: 0o644,
  });
  writeFileSync(
    configFile,
    pgBouncerConfig({
      port,
      upstream: opts.upstream,
      poolSize: opts.poolSize ?? DEFAULT_POOL_SIZE,
      authFile,
      adminUsers: users.map((u) => u.name),
    }),
    { mode: 0o644 },
  );
  // PgBouncer refuses to run as root; -u drops to the postgres user after reading its files.
  const args = process.getuid?.() === 0 ? ["-u", "postgres", configFile] : [configFile];
  const admin = users[0]!;

  let proc: Proc | null = null;
  const url = (databaseUrl: string) => {
    const u = new URL(databaseUrl);
    u.hostname = host;
    u.port = String(port);
    return u.toString();
  };
  const adminUrl = () => {
    const u = new URL(`postgresql://${host}:${port}/pgbouncer`);
    u.username = admin.name;
    if (admin.password) u.password = admin.password;
    return u.toString();
  };
  const show = async (what: string) => {
    if (!/^[A-Z_]+$/i.test(what)) throw new Error(`not a SHOW command: ${what}`);
    // The admin console speaks the simple query protocol only: a query without values is sent that way.
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    try {
      const result = await client.query(`SHOW ${what}`);
      return result.rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  const running: RunningPgBouncer = {
    host,
    port,
    get pid() {
      return proc?.child.pid ?? null;
    },
    get proc() {
      return proc;
    },
    url,
    async start() {
      proc = spawnProc("pgbouncer", binary, args, { logFile: path.join(opts.runDir, "pgbouncer.log") });
      await waitFor(`pgbouncer on :${port}`, () => canConnect(port, host), { proc, timeoutMs: 10_000 });
    },
    async stop() {
      await proc?.stop("SIGINT", 5000);
      proc = null;
    },
    async kill(signal) {
      await proc?.stop(signal, 2000);
      proc = null;
    },
    show,
    async pools() {
      const rows = await show("POOLS");
      const num = (v: unknown) => Number(v ?? 0);
      return rows.map((r) => ({
        database: String(r.database),
        user: String(r.user),
        cl_active: num(r.cl_active),
        cl_waiting: num(r.cl_waiting),
        sv_active: num(r.sv_active),
        sv_idle: num(r.sv_idle),
        sv_used: num(r.sv_used),
        sv_login: num(r.sv_login),
        pool_mode: String(r.pool_mode),
      }));
    },
  };
  await running.start();
  opts.report?.(
    `pgbouncer ready  ${host}:${port} -> ${opts.upstream.host}:${opts.upstream.port} (transaction pooling)`,
  );
  return running;
}
