// Where the figures were taken: they mean little without the machine and the versions.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type Machine = {
  cores: number;
  cpu: string;
  ramGb: number;
  os: string;
  node: string;
  postgres: string;
  redis: string;
  nginx: string;
  chromium: string;
  next: string;
  prisma: string;
  socketIo: string;
  /** One core's speed: the plain-Node loop below, best of its runs, ms. Comparable across runs and machines. */
  nodeLoopMs: number;
};

/** The plain-Node loop: this many xorshift steps, integer arithmetic only (no allocation, no I/O). */
export const NODE_LOOP_STEPS = 50_000_000;

/** Times the plain-Node loop, best of `runs`: the least disturbed run says what the core can do. */
export function nodeLoopMs(runs = 5): number {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    let x = 2463534242;
    for (let i = 0; i < NODE_LOOP_STEPS; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    const ms = performance.now() - started;
    if (x === 0) throw new Error("xorshift never reaches 0"); // keeps the loop from being optimized away
    best = Math.min(best, ms);
  }
  return Math.round(best * 10) / 10;
}

function firstLine(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.split("\n")[0]!.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    return stderr ? stderr.split("\n")[0]!.trim() : "unknown";
  }
}

/** nginx -v prints to stderr. */
function nginxVersion(): string {
  for (const bin of ["/usr/sbin/nginx", "nginx"]) {
    const r = spawnSync(bin, ["-v"], { encoding: "utf8" });
    if (r.status === 0) return r.stderr.trim();
  }
  return "unknown";
}

function packageVersion(root: string, name: string): string {
  try {
    return (
      JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }
    ).version;
  } catch {
    return "unknown";
  }
}

export async function describeMachine(root: string, databaseUrl: string): Promise<Machine> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const postgres = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  await client.end();
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) osName = `${pretty} (kernel ${os.release()})`;
  } catch {
    // not Linux: keep the kernel line
  }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    ramGb: Math.round(os.totalmem() / 1024 ** 3),
    os: osName,
    node: process.version,
    postgres: postgres.split(" ")[0]!,
    redis: /v=(\S+)/.exec(firstLine("redis-server", ["--version"]))?.[1] ?? "unknown",
    nginx: nginxVersion().replace(/^nginx version: nginx\//, ""),
    chromium: firstLine("/usr/bin/chromium", ["--version"])
      .replace(/^Chromium /, "")
      .replace(/ built on.*$/, ""),
    next: packageVersion(root, "next"),
    prisma: packageVersion(root, "@prisma/client"),
    socketIo: packageVersion(root, "socket.io"),
    nodeLoopMs: nodeLoopMs(),
  };
}
