// Redis for a stack: the machine's own (npm run stack), or a redis-server of the stack's own on a
// free port, which tests may stop and start again at will.
import path from "node:path";
import { canConnect, freePort, requireBinary, spawnProc, waitFor, type Proc } from "./processes";

export type RedisServer = {
  url: string;
  port: number;
  /** The redis-server process, when it is the stack's own and running. */
  proc: Proc | null;
  start(): Promise<void>;
  stop(): Promise<void>;
};

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
        { logFile: path.join(runDir, "redis.log") },
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

/** The machine's Redis at REDIS_URL (default 127.0.0.1:6379): used as it is, never stopped. */
export async function systemRedis(): Promise<RedisServer> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const port = Number(new URL(url).port || 6379);
  if (!(await canConnect(port, new URL(url).hostname))) {
    throw new Error(`Redis is not answering at ${url}: start it or install it with \`apt-get install redis-server\``);
  }
  return { url, port, proc: null, start: async () => undefined, stop: async () => undefined };
}
