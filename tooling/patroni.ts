// Postgres that survives losing its primary, from Debian's packages: one etcd member (the
// DCS), two Patroni nodes each running Postgres 15, and HAProxy as the one stable address,
// sending connections only to the node whose Patroni REST API answers 200 on GET /primary.
// Used by the stack (StackOptions.postgresHa) and the fault suite (tests/faults/postgres-ha.test.ts).
// docs/decisions/026-postgres-failover-patroni-haproxy.md says why this shape and these timings.
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { freePort, requireBinary, spawnProc, waitFor, type Proc } from "./processes";

const PG_BIN = "/usr/lib/postgresql/15/bin";

/**
 * Failover timings (seconds). A leader key lives `ttl` s without renewal; Patroni checks every
 * `loop_wait` s; DCS and Postgres calls are retried for `retry_timeout` s. So a dead primary is
 * replaced within about ttl + loop_wait s. Shorter means faster failover but a leader demoted by
 * a DCS hiccup longer than retry_timeout; Patroni requires loop_wait + 2 * retry_timeout <= ttl.
 */
export const HA_TIMINGS = { ttl: 10, loopWait: 1, retryTimeout: 4 } as const;

export type PostgresHaOptions = {
  /** Logs and the generated configs go here; data dirs go under a temp dir Postgres can traverse. */
  runDir: string;
  report?: (line: string) => void;
  /**
   * Patroni's synchronous_mode (default true): a commit waits for the standby. Never strict here:
   * with two nodes, strict mode stops every write while the standby is gone.
   */
  synchronous?: boolean;
  /** The database created for the app (default `likes`). */
  database?: string;
};

export type ClusterMember = {
  name: string;
  role: string;
  state: string;
  timeline?: number;
  /** Replay lag behind the leader in bytes (Patroni's "lag"); undefined on the leader. */
  lag?: number | string;
};

export type HaNode = {
  name: string;
  pgPort: number;
  restUrl: string;
  /** Patroni's pid, while it runs. */
  pid: () => number | undefined;
  /** The Postgres processes of this node: the postmaster and its children (backends, walreceiver…). */
  postgresPids: () => number[];
  /** Sends `signal` to Patroni and to every Postgres process of this node (SIGKILL: the node is lost). */
  kill(signal: NodeJS.Signals): void;
  /** Sends `signal` to this node's Postgres processes only (SIGSTOP/SIGCONT: a node cut off). */
  signalPostgres(signal: NodeJS.Signals): void;
  /** Starts Patroni again on the same data dir and config (it rejoins, rewinding if it has to). */
  start(): void;
};

export type PostgresHa = {
  /** HAProxy: the one address clients use; it leads to whichever node is the leader. */
  address: { host: string; port: number };
  databaseUrl: string;
  nodes: HaNode[];
  cluster(): Promise<ClusterMember[]>;
  leader(): Promise<string | undefined>;
  /** Waits until `name` (default: any member) is the synchronous standby, and answers its entry. */
  waitForSyncStandby(opts?: { name?: string; timeoutMs?: number }): Promise<ClusterMember>;
  /** Waits for a leader (other than `not`, when given) that accepts writes through HAProxy. */
  waitForLeader(opts?: { not?: string; timeoutMs?: number }): Promise<string>;
  stop(): Promise<void>;
};

type PostgresUser = { uid: number; gid: number };

function postgresUser(): PostgresUser {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** Direct children of `pid`, from /proc (no pgrep dependency). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

const signalQuietly = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return (await res.json()) as T;
}

export async function startPostgresHa(opts: PostgresHaOptions): Promise<PostgresHa> {
  const report = opts.report ?? (() => undefined);
  const database = opts.database ?? "likes";
  for (const [bin, pkg] of [
    ["patroni", "patroni"],
    ["etcd", "etcd-server"],
    ["haproxy", "haproxy"],
  ] as const)
    requireBinary(bin, pkg);
  mkdirSync(opts.runDir, { recursive: true });
  const user = postgresUser();
  // Postgres runs as `postgres`: its data dirs under a temp dir it owns (the checkout may be closed to it).
  const home = await mkdtemp("/tmp/likes-pgha-");
  chownSync(home, user.uid, user.gid);
  const procs: Proc[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  let nodes: HaNode[] = [];

  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    for (const n of nodes) n.kill("SIGKILL"); // whatever outlived its Patroni
    await rm(home, { recursive: true, force: true });
  };

  try {
    const etcdClient = await freePort();
    const etcdPeer = await freePort();
    const etcd = spawnProc(
      "etcd",
      "etcd",
      [
        "--name=e1",
        `--data-dir=${path.join(home, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=e1=http://127.0.0.1:${etcdPeer}`,
        // Patroni 3.0.2's `etcd:` section speaks the v2 API through python3-etcd (etcd3 needs a module Debian lacks here).
        "--enable-v2=true",
      ],
      { logFile: path.join(opts.runDir, "etcd.log") },
    );
    procs.push(etcd);
    stops.push(() => etcd.stop());
    await waitFor("etcd health", async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, {
      proc: etcd,
      timeoutMs: 30_000,
    });
    report(`etcd      ready  127.0.0.1:${etcdClient}`);

    const scope = `likes-${path.basename(home)}`;
    const hba = [
      "local all all trust",
      "local replication all trust",
      "host all all 127.0.0.1/32 trust",
      "host replication all 127.0.0.1/32 trust",
    ];
    nodes = [];
    for (const name of ["pg1", "pg2"]) {
      const pgPort = await freePort();
      const restPort = await freePort();
      const dir = path.join(home, name);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, user.uid, user.gid);
      const dataDir = path.join(dir, "data");
      const config = {
        scope,
        name,
        log: { level: "INFO" },
        restapi: { listen: `127.0.0.1:${restPort}`, connect_address: `127.0.0.1:${restPort}` },
        etcd: { host: `127.0.0.1:${etcdClient}` },
        bootstrap: {
          dcs: {
            ttl: HA_TIMINGS.ttl,
            loop_wait: HA_TIMINGS.loopWait,
            retry_timeout: HA_TIMINGS.retryTimeout,
            maximum_lag_on_failover: 1048576,
            synchronous_mode: opts.synchronous ?? true,
            synchronous_mode_strict: false,
            postgresql: {
              use_pg_rewind: true,
              // A standby that stops answering is noticed after wal_sender_timeout: only then can Patroni
              // drop it from synchronous_standby_names, so commits stall at most about this long.
              parameters: {
                wal_log_hints: "on",
                max_connections: 200,
                max_wal_senders: 10,
                max_replication_slots: 10,
                wal_sender_timeout: "5s",
                wal_receiver_timeout: "5s",
              },
            },
          },
          initdb: [{ encoding: "UTF8" }, { locale: "C" }],
        },
        postgresql: {
          listen: `127.0.0.1:${pgPort}`,
          connect_address: `127.0.0.1:${pgPort}`,
          data_dir: dataDir,
          bin_dir: PG_BIN,
          pgpass: path.join(dir, "pgpass"),
          authentication: {
            superuser: { username: "postgres" },
            replication: { username: "postgres" },
            rewind: { username: "postgres" },
          },
          parameters: { unix_socket_directories: dir, max_connections: 200 },
          pg_hba: hba,
        },
      };
      // JSON is YAML: Patroni reads it as its config file.
      const configFile = path.join(dir, "patroni.yml");
      writeFileSync(configFile, JSON.stringify(config, null, 2));
      chownSync(configFile, user.uid, user.gid);
      let proc: Proc | undefined;
      const launch = () => {
        const p = spawnProc(`patroni-${name}`, "patroni", [configFile], {
          env: { ...process.env, HOME: dir, LANG: "C.UTF-8" },
          cwd: dir,
          logFile: path.join(opts.runDir, `patroni-${name}.log`),
          ...user,
        });
        procs.push(p);
        proc = p;
      };
      const postgresPids = () => {
        const pm = postmasterPid(dataDir);
        return pm === undefined ? [] : [pm, ...childPids(pm)];
      };
      const node: HaNode = {
        name,
        pgPort,
        restUrl: `http://127.0.0.1:${restPort}`,
        pid: () =>
          proc && proc.child.exitCode === null && proc.child.signalCode === null ? proc.child.pid : undefined,
        postgresPids,
        kill(signal) {
          const pids = postgresPids();
          const pid = node.pid();
          if (pid) signalQuietly(pid, signal);
          for (const p of pids) signalQuietly(p, signal);
        },
        signalPostgres(signal) {
          for (const p of postgresPids()) signalQuietly(p, signal);
        },
        start: launch,
      };
      launch();
      stops.push(async () => {
        node.signalPostgres("SIGCONT");
        await proc?.stop("SIGTERM", 10_000);
      });
      nodes.push(node);
    }

    const haPort = await freePort();
    const haConfig = [
      "global",
      "  maxconn 2000",
      "defaults",
      "  mode tcp",
      "  timeout connect 2s",
      "  timeout client 30m",
      "  timeout server 30m",
      "  timeout check 1s",
      "listen postgres_primary",
      `  bind 127.0.0.1:${haPort}`,
      // Only the node whose Patroni says it is the leader; sessions to a node marked down are cut,
      // so pooled clients on the old primary fail fast and reconnect to the new one.
      "  option httpchk GET /primary",
      "  http-check expect status 200",
      "  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions",
      ...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} check port ${new URL(n.restUrl).port}`),
      "",
    ].join("\n");
    const haFile = path.join(opts.runDir, "haproxy.cfg");
    writeFileSync(haFile, haConfig);
    const haproxy = spawnProc("haproxy", "/usr/sbin/haproxy", ["-db", "-f", haFile], {
      logFile: path.join(opts.runDir, "haproxy.log"),
    });
    procs.push(haproxy);
    // Stopped first: clients see the address go away before the nodes do.
    stops.push(() => haproxy.stop());

    const address = { host: "127.0.0.1", port: haPort };
    const adminUrl = `postgresql://postgres@127.0.0.1:${haPort}/postgres`;
    const databaseUrl = `postgresql://postgres@127.0.0.1:${haPort}/${database}`;

    const cluster = async () => {
      for (const n of nodes) {
        try {
          return (await getJson<{ members: ClusterMember[] }>(`${n.restUrl}/cluster`)).members;
        } catch {
          // this node's REST API is down: ask the other
        }
      }
      throw new Error("no Patroni REST API answers");
    };
    const leader = async () => (await cluster().catch(() => [])).find((m) => m.role === "leader")?.name;
    const waitForLeader = async (o: { not?: string; timeoutMs?: number } = {}) =>
      waitFor(
        "a Postgres leader behind HAProxy",
        async () => {
          const name = await leader();
          if (!name || name === o.not) return undefined;
          const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
          try {
            await client.connect();
            const { rows } = await client.query<{ recovery: boolean }>("SELECT pg_is_in_recovery() AS recovery");
            return rows[0]?.recovery === false && name;
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        { timeoutMs: o.timeoutMs ?? 90_000, intervalMs: 100 },
      );

    const waitForSyncStandby = async (o: { name?: string; timeoutMs?: number } = {}) =>
      waitFor(
        "a synchronous standby",
        async () =>
          (await cluster().catch(() => [])).find((m) => m.role === "sync_standby" && (!o.name || m.name === o.name)),
        { timeoutMs: o.timeoutMs ?? 90_000, intervalMs: 100 },
      );

    const first = await waitForLeader();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
    report(`postgres  HA     leader ${first} via haproxy 127.0.0.1:${haPort}`);
    return { address, databaseUrl, nodes, cluster, leader, waitForLeader, waitForSyncStandby, stop };
  } catch (error) {
    const tails = procs.map((p) => `${p.name}:\n${p.lines.slice(-15).join("\n")}`).join("\n");
    await stop();
    throw new Error(`${(error as Error).message}\n${tails}`);
  }
}
