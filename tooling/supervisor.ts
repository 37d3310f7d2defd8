// What restart: unless-stopped does for compose, for `npm run stack`'s own children: a child that
// exits when nobody asked it to is reported (its name, its exit code or signal, its last log lines)
// and started again, after a delay that doubles with each quick failure. A child that keeps dying
// (a crash loop: `crashLoopExits` exits within `crashLoopWindowMs`) is not restarted again; the
// supervisor says so and hands the decision to its owner (npm run stack then stops, with the reason).
import type { Proc } from "./processes";

export type SupervisorEvent =
  | { kind: "exited"; name: string; how: string; lastLines: string[] }
  | { kind: "restarting"; name: string; delayMs: number; attempt: number }
  | { kind: "restarted"; name: string; attempt: number }
  | { kind: "restart-failed"; name: string; error: string }
  | { kind: "crash-loop"; name: string; exits: number; windowMs: number; lastLines: string[] };

export type SupervisorOptions = {
  /** First restart delay; doubles per quick failure, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that ran this long before exiting is considered recovered: its delay starts over. */
  stableAfterMs?: number;
  crashLoopExits?: number;
  crashLoopWindowMs?: number;
  /** How many of the child's last output lines an exit report carries. */
  lastLines?: number;
  onEvent: (event: SupervisorEvent) => void;
};

type Child = {
  name: string;
  start: () => Promise<Proc>;
  proc: Proc;
  exits: number[];
  delayMs: number;
  startedAt: number;
};

export class Supervisor {
  private readonly children = new Map<string, Child>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly opts: Required<SupervisorOptions>;

  constructor(opts: SupervisorOptions) {
    this.opts = {
      initialDelayMs: 500,
      maxDelayMs: 15_000,
      stableAfterMs: 30_000,
      crashLoopExits: 5,
      crashLoopWindowMs: 60_000,
      lastLines: 15,
      ...opts,
    };
  }

  /**
   * Watches a child that `start` has already started once (`proc`). `start` starts a replacement
   * and resolves once it is ready; `onReplaced` hands the new process to whoever tracks it.
   */
  watch(
    name: string,
    proc: Proc,
    start: () => Promise<Proc>,
    onReplaced: (proc: Proc) => void = () => undefined,
  ): void {
    const child: Child = { name, start, proc, exits: [], delayMs: this.opts.initialDelayMs, startedAt: Date.now() };
    this.children.set(name, child);
    this.follow(child, onReplaced);
  }

  /** The current process of a watched child. */
  current(name: string): Proc | undefined {
    return this.children.get(name)?.proc;
  }

  /** From now on, exits are expected (the stack is stopping): nothing is restarted. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private follow(child: Child, onReplaced: (proc: Proc) => void): void {
    const proc = child.proc;
    void proc.exited.then((how) => {
      if (this.stopped || child.proc !== proc) return;
      const now = Date.now();
      const lastLines = proc.lines.slice(-this.opts.lastLines);
      this.opts.onEvent({ kind: "exited", name: child.name, how: describeExit(how), lastLines });
      if (this.crashLooping(child, now, lastLines)) return;
      // Ran long enough to count as healthy: the next failure starts the backoff over.
      if (now - child.startedAt >= this.opts.stableAfterMs) child.delayMs = this.opts.initialDelayMs;
      this.scheduleRestart(child, onReplaced);
    });
  }

  /** Counts an exit; with too many within the window, reports the crash loop and answers true. */
  private crashLooping(child: Child, now: number, lastLines: string[]): boolean {
    child.exits = [...child.exits.filter((t) => now - t < this.opts.crashLoopWindowMs), now];
    if (child.exits.length < this.opts.crashLoopExits) return false;
    this.opts.onEvent({
      kind: "crash-loop",
      name: child.name,
      exits: child.exits.length,
      windowMs: this.opts.crashLoopWindowMs,
      lastLines,
    });
    return true;
  }

  private scheduleRestart(child: Child, onReplaced: (proc: Proc) => void): void {
    const delayMs = child.delayMs;
    child.delayMs = Math.min(child.delayMs * 2, this.opts.maxDelayMs);
    const attempt = child.exits.length;
    this.opts.onEvent({ kind: "restarting", name: child.name, delayMs, attempt });
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      if (this.stopped) return;
      try {
        child.startedAt = Date.now();
        const proc = await child.start();
        if (this.stopped) {
          await proc.stop();
          return;
        }
        child.proc = proc;
        onReplaced(proc);
        this.opts.onEvent({ kind: "restarted", name: child.name, attempt });
        this.follow(child, onReplaced);
      } catch (error) {
        // It did not come up (it exited while starting, or never got ready): that is one more exit.
        this.opts.onEvent({
          kind: "restart-failed",
          name: child.name,
          error: error instanceof Error ? error.message : String(error),
        });
        if (this.crashLooping(child, Date.now(), [])) return;
        if (!this.stopped) this.scheduleRestart(child, onReplaced);
      }
    }, delayMs);
    this.timers.add(timer);
  }
}

/** "exit code 3", "signal SIGKILL". */
export function describeExit(how: number | string): string {
  return typeof how === "number" ? `exit code ${how}` : how.startsWith("SIG") ? `signal ${how}` : how;
}
