// The bench's handle on the load client process (bench/client-process.ts): request, await answer.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ClosedJob, ClosedResult, OpenJob, OpenResult } from "./load";
import type { ClientRequest } from "./client-process";

export type OpenWithEvents = Omit<OpenResult, "scheduledAt" | "ok"> & {
  events: { eventMs: number[]; lost: number; expected: number } | null;
};

export class LoadClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(private readonly child: ChildProcess) {
    child.on("message", (msg: { id?: number; result?: unknown; error?: string }) => {
      if (msg.id === undefined) return;
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error !== undefined) waiter?.reject(new Error(`load client: ${msg.error}`));
      else waiter?.resolve(msg.result);
    });
    child.on("exit", (code, signal) => {
      for (const w of this.pending.values()) w.reject(new Error(`load client exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadClient> {
    const child = fork(path.join(import.meta.dirname, "client-process.ts"), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`load client exited before it was ready (${code})`)));
    });
    return new LoadClient(child);
  }

  private ask<T>(request: ClientRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, request });
    });
  }

  closed = (job: ClosedJob) => this.ask<ClosedResult>({ type: "closed", job });
  open = (job: OpenJob, eventWaitMs = 0) => this.ask<OpenWithEvents>({ type: "open", job, eventWaitMs });
  watch = (url: string, cookie: string) => this.ask<{ ok: true }>({ type: "watch", url, cookie });
  unwatch = () => this.ask<{ events: number }>({ type: "unwatch" });
  openSockets = (url: string, cookies: string[], count: number, concurrency: number) =>
    this.ask<{ opened: number; failed: number; seconds: number; firstError: string | null }>({
      type: "sockets-open",
      url,
      cookies,
      count,
      concurrency,
    });
  socketsConnected = () => this.ask<{ connected: number }>({ type: "sockets-connected" });
  closeSockets = () => this.ask<{ closed: number }>({ type: "sockets-close" });

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
