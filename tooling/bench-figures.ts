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
