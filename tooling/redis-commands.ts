// Counts the Redis commands each process under test sends, as Redis itself saw them: MONITOR on a
// connection of our own, each command's client address mapped to its process (ss) and to the
// connection's name (CLIENT LIST). Scripts are named: BullMQ's by the SHA1 of each script it ships
// (node_modules/bullmq/dist/cjs/scripts), the project's by their text. MONITOR slows Redis down,
// so only a case that counts runs it, never one that times.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { Redis } from "ioredis";

/** Commands by process, then by "connection name / command" (scripts by name), over one window. */
export type CommandCounts = Record<string, Record<string, number>>;

type Script = { name: string; content: string };
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** SHA1 -> name of every Lua script BullMQ ships: what its clients send as EVALSHA. */
function bullmqScripts(): Map<string, string> {
  const scripts = createRequire(import.meta.url)("bullmq/dist/cjs/scripts") as Record<string, Script>;
  return new Map(Object.values(scripts).map((s) => [sha1(s.content), `bullmq ${s.name}`]));
}

/** Local port -> pid of every established TCP connection to `port`, from `ss -tnp`. */
function clientPids(port: number): Map<number, number> {
  const out = execFileSync("ss", ["-tnpH", "state", "established", `( dport = :${port} )`], { encoding: "utf8" });
  const pids = new Map<number, number>();
  for (const line of out.split("\n")) {
    const local = /\S+:(\d+)\s+\S+:\d+/.exec(line);
    const pid = /pid=(\d+)/.exec(line);
    if (local && pid) pids.set(Number(local[1]), Number(pid[1]));
  }
  return pids;
}

/** Client address ("127.0.0.1:54321") -> connection name, from CLIENT LIST. */
async function clientNames(redis: Redis): Promise<Map<string, string>> {
  const list = (await redis.client("LIST")) as string;
  const names = new Map<string, string>();
  for (const line of list.split("\n")) {
    const addr = /\baddr=(\S+)/.exec(line)?.[1];
    if (addr) names.set(addr, /\bname=(\S*)/.exec(line)?.[1] || "(unnamed)");
  }
  return names;
}

/** MONITOR prints each argument as Redis' sdscatrepr does; the original text, for hashing a script. */
export function unrepr(text: string): string {
  const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b", '"': '"', "\\": "\\" };
  return text.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (whole, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (escapes[e] ?? whole),
  );
}

export type CommandCounter = {
  /** Counts since the last mark, and starts counting anew. */
  mark(): Promise<CommandCounts>;
  stop(): Promise<void>;
};

/**
 * Starts counting the commands of `processes` (name -> pid) on the Redis at `url`. `prefix` is
 * taken off connection names (the stack's REDIS_PREFIX); `knownScripts` names the project's own
 * EVAL scripts by their text.
 */
export async function countRedisCommands(opts: {
  url: string;
  processes: Record<string, number>;
  prefix: string;
  knownScripts: Record<string, string>;
}): Promise<CommandCounter> {
  const port = Number(new URL(opts.url).port || 6379);
  const byPid = new Map(Object.entries(opts.processes).map(([name, pid]) => [pid, name]));
  const scripts = bullmqScripts();
  for (const [name, text] of Object.entries(opts.knownScripts)) scripts.set(sha1(text), name);
  const adminName = `${opts.prefix}:command-counter`;
  const admin = new Redis(opts.url, { connectionName: adminName });
  const monitor = await admin.monitor();

  // Each command's source, resolved when the window is counted (a connection opened mid-window
  // is in CLIENT LIST and ss by then).
  let seen: { source: string; label: string }[] = [];
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const command = (args[0] ?? "").toLowerCase();
    let label = command;
    if (command === "evalsha") label = scripts.get(String(args[1])) ?? `evalsha ${String(args[1]).slice(0, 8)}`;
    else if (command === "eval") label = scripts.get(sha1(unrepr(String(args[1])))) ?? "eval (unknown script)";
    seen.push({ source, label });
  });

  const name = (connection: string) =>
    connection.startsWith(`${opts.prefix}:`) ? connection.slice(opts.prefix.length + 1) : connection;
  return {
    async mark() {
      const window = seen;
      seen = [];
      const pids = clientPids(port);
      const names = await clientNames(admin);
      const counts: CommandCounts = {};
      for (const { source, label } of window) {
        const process = byPid.get(pids.get(Number(source.split(":").at(-1))) ?? -1);
        if (!process) continue; // another client of this Redis
        const connection = names.get(source) ?? "(closed)";
        if (connection === adminName) continue; // this counter's own CLIENT LIST
        const key = `${name(connection)} / ${label}`;
        (counts[process] ??= {})[key] = (counts[process]![key] ?? 0) + 1;
      }
      return counts;
    },
    async stop() {
      monitor.disconnect();
      admin.disconnect();
    },
  };
}
