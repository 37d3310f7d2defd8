// Small process helpers for the stacks, the tests and the bench: find a binary, spawn a child with
// its output in a log file, wait for readiness, stop it (SIGTERM, then SIGKILL) and know it exited,
// and pick free ports.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";

export type Proc = {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Every output line so far (also written to the log file). */
  lines: string[];
  /** Messages the child sent over the IPC channel (process.send), e.g. { type: "ready" }. */
  messages: unknown[];
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string>;
};

const running = new Set<Proc>();

// Never leave children behind, even when the parent dies of an exception.
process.on("exit", () => {
  for (const p of running) p.child.kill("SIGKILL");
});

export function spawnProc(
  name: string,
  command: string,
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    logFile?: string;
    onLine?: (line: string) => void;
    ipc?: boolean;
    /** Run as this user (Postgres and Patroni refuse root). */
    uid?: number;
    gid?: number;
  } = {},
): Proc {
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    uid: opts.uid,
    gid: opts.gid,
    stdio: opts.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  const messages: unknown[] = [];
  child.on("message", (message) => messages.push(message));
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: "a" }) : null;
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream! }).on("line", (line) => {
      lines.push(line);
      if (lines.length > 5000) lines.shift();
      log?.write(line + "\n");
      opts.onLine?.(line);
    });
  }
  // The log ends when the pipes close, not at "exit": a process's last lines (or those of a child
  // it left holding the pipes) can still be read after it has exited, and a write to an ended
  // stream is an uncaught error.
  child.on("close", () => log?.end());
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(proc);
      resolve(code ?? signal ?? "unknown");
    });
    child.on("error", (error) => {
      lines.push(`spawn error: ${error.message}`);
      running.delete(proc);
      resolve("spawn-error");
    });
  });
  const proc: Proc = {
    name,
    child,
    exited,
    lines,
    messages,
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  running.add(proc);
  return proc;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number; proc?: Proc } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (opts.proc && (opts.proc.child.exitCode !== null || opts.proc.child.signalCode !== null)) {
      throw new Error(`${what}: ${opts.proc.name} exited early:\n${opts.proc.lines.slice(-30).join("\n")}`);
    }
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  const tail = opts.proc ? `\n${opts.proc.name} output:\n${opts.proc.lines.slice(-30).join("\n")}` : "";
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}${tail}`);
}

/** A TCP port that was free a moment ago (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The path of a system binary, or an error that names the Debian package to install. */
export function requireBinary(binary: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/usr/bin", "/sbin"])) {
    const candidate = path.join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${binary} not found: install it with \`apt-get install ${debianPackage}\``);
}
