// How often a process asked the kernel to read or write, and how often its event loop slept and
// was woken, from /proc: syscr and syscw in /proc/<pid>/io count every read() and write()/writev()
// on a socket, a pipe or a file; voluntary_ctxt_switches in /proc/<pid>/status counts the times
// the main thread gave up its CPU to wait (Node's event loop waiting in epoll_wait, mostly) and
// was woken again. Node's libuv reads and writes TCP sockets with exactly these calls, so for a
// process that logs nothing (the bench runs at warn) the first two are its socket reads and
// writes: one write per batch of commands sent to Redis or Postgres, one read per socket that had
// data. Round trips show here, where Redis's command count (P7) does not see them; a wake-up is
// what each one costs when nothing else is waiting to run.
import { readFileSync } from "node:fs";

export type SyscallCounts = { reads: number; writes: number; wakeups: number };

export function syscallCounts(pid: number): SyscallCounts | null {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (text: string, name: string) =>
      Number(new RegExp(`^${name}:\\s*(\\d+)$`, "m").exec(text)?.[1] ?? NaN);
    const counts = {
      reads: field(io, "syscr"),
      writes: field(io, "syscw"),
      wakeups: field(status, "voluntary_ctxt_switches"),
    };
    return Object.values(counts).every(Number.isFinite) ? counts : null;
  } catch {
    return null; // the process is gone
  }
}

/** The calls between two readings, per item (a like, a notification); null when either is missing. */
export function syscallsPer(from: SyscallCounts | null, to: SyscallCounts | null, items: number): SyscallCounts | null {
  if (!from || !to || !(items > 0)) return null;
  return {
    reads: (to.reads - from.reads) / items,
    writes: (to.writes - from.writes) / items,
    wakeups: (to.wakeups - from.wakeups) / items,
  };
}
