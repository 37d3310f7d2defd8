// The bench's arithmetic that needs no run to check (bench/targets.ts and bench/cases/ use it;
// tests/unit/bench-figures.test.ts checks it): a throughput ratio against a floor, met or not, and
// CPU time per unit of work from /proc tick counts.

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks per second. */
export const TICKS_PER_SECOND = 100;

export type RatioFigure = {
  /** app ÷ floor, or null when the floor measured nothing (no ratio to judge). */
  ratio: number | null;
  /** "app ÷ floor = ratio", rounded for the targets table. */
  measured: string;
  /** ratio ≥ atLeast; null when there is no ratio. */
  met: boolean | null;
};

const shown = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "—");

/** How the app's throughput compares with a floor's, against a target ratio. */
export function ratioFigure(app: number, floor: number, atLeast: number): RatioFigure {
  const ratio = Number.isFinite(app) && Number.isFinite(floor) && floor > 0 ? app / floor : null;
  return {
    ratio,
    measured: `${shown(app, 0)} ÷ ${shown(floor, 0)} = ${ratio === null ? "—" : ratio.toFixed(2)}`,
    met: ratio === null ? null : ratio >= atLeast,
  };
}

/**
 * CPU milliseconds per item: the ticks a process used between two readings of /proc, divided by
 * the items done meanwhile (likes answered, notifications delivered). Null without items or
 * without both readings (the process was gone).
 */
export function cpuMsPer(fromTicks: number | undefined, toTicks: number | undefined, items: number): number | null {
  if (fromTicks === undefined || toTicks === undefined || !(items > 0)) return null;
  return ((toTicks - fromTicks) * 1000) / TICKS_PER_SECOND / items;
}

/** Where a closed loop's CPU went, by who spent it: the process measured, and what it leans on. */
export const CPU_GROUPS = ["server", "worker", "nginx", "postgres", "redis", "client", "other"] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];

/** One reading of the machine (/proc/stat) and of every process on it (/proc/<pid>/stat). */
export type MachineReading = {
  at: number;
  machine: { busy: number; total: number };
  processes: { pid: number; comm: string; ticks: number }[];
};

export type CpuPerRequest = {
  /** The machine's busy share of all its cores over the window. */
  machineBusyPct: number;
  /** Every core's busy time over the window, per request answered. */
  machineMs: number;
  /** The same, by who spent it; `other` is the machine's busy time no group accounts for. */
  byGroup: Record<CpuGroup, number>;
};

/** The groups that are found by their command name rather than given by pid. */
const GROUP_OF_COMMAND: Record<string, CpuGroup> = { nginx: "nginx", postgres: "postgres", "redis-server": "redis" };

/**
 * CPU milliseconds per request over a window, the machine's and by group. `named` gives the pids
 * of the server under test, the worker and the load client; nginx, Postgres and Redis are every
 * process of that command name. A process that started or ended within the window is left to
 * `other`, which is what the machine's busy time holds beyond the groups. Null without requests.
 */
export function cpuPerRequest(
  from: MachineReading,
  to: MachineReading,
  named: Partial<Record<CpuGroup, number>>,
  requests: number,
): CpuPerRequest | null {
  if (!(requests > 0)) return null;
  const groupOfPid = new Map<number, CpuGroup>();
  for (const [group, pid] of Object.entries(named)) if (pid !== undefined) groupOfPid.set(pid, group as CpuGroup);
  const earlier = new Map(from.processes.map((p) => [p.pid, p]));
  const ticks = Object.fromEntries(CPU_GROUPS.map((g) => [g, 0])) as Record<CpuGroup, number>;
  for (const p of to.processes) {
    const before = earlier.get(p.pid);
    if (!before || before.comm !== p.comm) continue; // new in the window, or a reused pid
    const group = groupOfPid.get(p.pid) ?? GROUP_OF_COMMAND[p.comm];
    if (group && group !== "other") ticks[group] += Math.max(0, p.ticks - before.ticks);
  }
  const busy = to.machine.busy - from.machine.busy;
  const total = to.machine.total - from.machine.total;
  const accounted = CPU_GROUPS.reduce((sum, g) => sum + ticks[g], 0);
  ticks.other = Math.max(0, busy - accounted);
  const ms = (t: number) => (t * 1000) / TICKS_PER_SECOND / requests;
  return {
    machineBusyPct: total > 0 ? (busy / total) * 100 : 0,
    machineMs: ms(busy),
    byGroup: Object.fromEntries(CPU_GROUPS.map((g) => [g, ms(ticks[g])])) as Record<CpuGroup, number>,
  };
}
