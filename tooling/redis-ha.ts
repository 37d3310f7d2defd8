// Redis with automatic failover, outside containers: a primary, one replica (replicaof) and three
// Sentinels (quorum 2) on free ports under runDir. Both data servers run with AOF and noeviction,
// as BullMQ asks of production Redis. The machine's Redis on 6379 is never touched.
//
// Timings: down-after-milliseconds 1000 and failover-timeout 5000, so a SIGKILLed primary is
// replaced within a few seconds. The price is sensitivity: a primary that stalls for a second (a
// slow fork, a long script, a paused VM) is failed over too, and its writes since the last
// replicated offset are lost. Production settings are usually 5000-30000 ms (docs/decisions/027).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { canConnect, freePort, requireBinary, spawnProc, waitFor, type Proc } from "./processes";
import type { RedisServer } from "./redis";

export const SENTINEL_DOWN_AFTER_MS = 1000;
export const SENTINEL_FAILOVER_TIMEOUT_MS = 5000;
const QUORUM = 2;

export type RedisAddress = { host: string; port: number };

export type RedisHaNode = {
  /** "redis-1" (the first primary), "redis-2" (its replica), "sentinel-1".."sentinel-3". */
  name: string;
  role: "data" | "sentinel";
  port: number;
  /** The running process's pid, null while stopped. */
  readonly pid: number | null;
  /** Sends the signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with its own config file (which Sentinel may have rewritten meanwhile). */
  start(): Promise<void>;
};

/** A +switch-master one Sentinel announced, and when this process heard it. */
export type SwitchMaster = { at: number; sentinel: string; from: RedisAddress; to: RedisAddress };

export type RedisHa = {
  /** The REDIS_SENTINELS value: "127.0.0.1:port,127.0.0.1:port,127.0.0.1:port". */
  sentinels: string;
  masterName: string;
  /** The current primary, as the Sentinels name it. */
  primary(): Promise<RedisAddress>;
  nodes: RedisHaNode[];
  /** Every +switch-master heard so far, one per Sentinel that announced it. */
  switches: SwitchMaster[];
  /**
   * Resolves with the first +switch-master away from `from` once the promoted server answers as a
   * primary; rejects after timeoutMs.
   */
  waitForFailover(from: RedisAddress, opts?: { timeoutMs?: number }): Promise<SwitchMaster>;
  /** The current primary as a RedisServer, for tooling that reads Redis directly (url follows switches). */
  server: RedisServer;
  stop(): Promise<void>;
};

export async function startRedisHa(opts: {
  runDir: string;
  masterName?: string;
  report?: (line: string) => void;
}): Promise<RedisHa> {
  const redisBinary = requireBinary("redis-server", "redis-server");
  const sentinelBinary = requireBinary("redis-sentinel", "redis-sentinel");
  const masterName = opts.masterName ?? "likes";
  const report = opts.report ?? (() => undefined);
  mkdirSync(opts.runDir, { recursive: true });

  const dataPorts = [await freePort(), await freePort()];
  const sentinelPorts = [await freePort(), await freePort(), await freePort()];
  const firstPrimary: RedisAddress = { host: "127.0.0.1", port: dataPorts[0]! };
  let current: RedisAddress = firstPrimary;
  const switches: SwitchMaster[] = [];
  const listeners: Redis[] = [];

  const makeNode = (name: string, role: RedisHaNode["role"], port: number, config: string[]): RedisHaNode => {
    const dir = path.join(opts.runDir, name);
    mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, role === "data" ? "redis.conf" : "sentinel.conf");
    // Written once: Sentinel rewrites both kinds (a demoted primary gets its replicaof line).
    writeFileSync(configFile, [`port ${port}`, "bind 127.0.0.1", `dir ${dir}`, ...config].join("\n") + "\n");
    let proc: Proc | null = null;
    const node: RedisHaNode = {
      name,
      role,
      port,
      get pid() {
        return proc && proc.child.exitCode === null && proc.child.signalCode === null ? (proc.child.pid ?? null) : null;
      },
      async kill(signal = "SIGTERM") {
        if (!proc) return;
        await proc.stop(signal, 5000);
        proc = null;
      },
      async start() {
        proc = spawnProc(name, role === "data" ? redisBinary : sentinelBinary, [configFile], {
          logFile: path.join(opts.runDir, `${name}.log`),
        });
        await waitFor(`${name} on :${port}`, () => canConnect(port), { proc, timeoutMs: 10_000 });
      },
    };
    return node;
  };

  const dataConfig = ["appendonly yes", "appendfsync everysec", "maxmemory-policy noeviction", 'save ""'];
  const primaryNode = makeNode("redis-1", "data", dataPorts[0]!, dataConfig);
  const replicaNode = makeNode("redis-2", "data", dataPorts[1]!, [
    ...dataConfig,
    `replicaof ${firstPrimary.host} ${firstPrimary.port}`,
  ]);
  const sentinelNodes = sentinelPorts.map((port, i) =>
    makeNode(`sentinel-${i + 1}`, "sentinel", port, [
      `sentinel monitor ${masterName} ${firstPrimary.host} ${firstPrimary.port} ${QUORUM}`,
      `sentinel down-after-milliseconds ${masterName} ${SENTINEL_DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${masterName} ${SENTINEL_FAILOVER_TIMEOUT_MS}`,
      `sentinel parallel-syncs ${masterName} 1`,
    ]),
  );
  const nodes = [primaryNode, replicaNode, ...sentinelNodes];

  const stop = async () => {
    for (const listener of listeners) listener.disconnect();
    // Sentinels first, so stopping the data servers triggers no failover.
    await Promise.all(sentinelNodes.map((n) => n.kill("SIGTERM")));
    await Promise.all([primaryNode, replicaNode].map((n) => n.kill("SIGTERM")));
  };

  const ask = async <T>(port: number, work: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return await work(client);
    } finally {
      client.disconnect();
    }
  };

  const primary = async (): Promise<RedisAddress> => {
    let lastError: unknown = new Error("no Sentinel is running");
    for (const node of sentinelNodes) {
      if (node.pid === null) continue;
      try {
        const reply = (await ask(node.port, (c) => c.call("SENTINEL", "get-master-addr-by-name", masterName))) as
          [string, string] | null;
        if (reply) return { host: reply[0], port: Number(reply[1]) };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };

  try {
    await primaryNode.start();
    await replicaNode.start();
    await waitFor(
      "redis-2 replicating redis-1",
      () => ask(replicaNode.port, async (c) => /master_link_status:up/.test(await c.info("replication"))),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    for (const node of sentinelNodes) await node.start();
    // A failover needs each Sentinel to know the replica and the other Sentinels (hello messages,
    // every 2 s through the primary); until then a kill would leave the primary unreplaced.
    for (const node of sentinelNodes) {
      await waitFor(
        `${node.name} knowing the replica and the other Sentinels`,
        () =>
          ask(node.port, async (c) => {
            const replicas = (await c.call("SENTINEL", "replicas", masterName)) as unknown[];
            const others = (await c.call("SENTINEL", "sentinels", masterName)) as unknown[];
            return replicas.length === 1 && others.length === sentinelNodes.length - 1;
          }),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    }
    for (const node of sentinelNodes) {
      const listener = new Redis({ port: node.port, host: "127.0.0.1", maxRetriesPerRequest: null });
      listener.on("error", () => undefined);
      listener.on("message", (_channel: string, message: string) => {
        const [, fromHost, fromPort, toHost, toPort] = message.split(" ");
        const event: SwitchMaster = {
          at: Date.now(),
          sentinel: node.name,
          from: { host: fromHost!, port: Number(fromPort) },
          to: { host: toHost!, port: Number(toPort) },
        };
        switches.push(event);
        current = event.to;
      });
      await listener.subscribe("+switch-master");
      listeners.push(listener);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const sentinels = sentinelPorts.map((p) => `127.0.0.1:${p}`).join(",");
  report(`redis-ha  ready  primary :${dataPorts[0]} replica :${dataPorts[1]} sentinels ${sentinels} (${masterName})`);

  const waitForFailover = async (from: RedisAddress, waitOpts: { timeoutMs?: number } = {}) => {
    const moved = await waitFor(
      `a +switch-master away from ${from.host}:${from.port}`,
      async () => switches.find((s) => s.from.port === from.port && s.to.port !== from.port),
      { timeoutMs: waitOpts.timeoutMs ?? 30_000, intervalMs: 50 },
    );
    await waitFor(
      `${moved.to.host}:${moved.to.port} answering as primary`,
      () => ask(moved.to.port, async (c) => /role:master/.test(await c.info("replication"))),
      { timeoutMs: waitOpts.timeoutMs ?? 30_000, intervalMs: 50 },
    );
    return moved;
  };

  const dataNodeAt = (port: number) => [primaryNode, replicaNode].find((n) => n.port === port);
  const server: RedisServer = {
    get url() {
      return `redis://${current.host}:${current.port}`;
    },
    get port() {
      return current.port;
    },
    // The primary's process is not a Proc the stack can restart: tests use nodes[].kill/start.
    proc: null,
    async start() {
      await Promise.all([primaryNode, replicaNode].filter((n) => n.pid === null).map((n) => n.start()));
    },
    async stop() {
      await dataNodeAt(current.port)?.kill("SIGTERM");
    },
  };

  return { sentinels, masterName, primary, nodes, switches, waitForFailover, server, stop };
}
