// The process's own stalls over a window, read from its Prometheus metrics (prom-client's default
// metrics, server/telemetry/metrics.ts): how late its event loop ran, and how long the garbage
// collector held it. A tail that these do not show is not the process's own.
//   - Event-loop delay: prom-client keeps a monitorEventLoopDelay histogram and resets it at each
//     scrape, so one scrape when the window opens and one when it closes give the window's p99 and
//     maximum. Its samples are the intervals between the monitor's timer runs, so the delay is a
//     sample less that interval (EVENT_LOOP_MONITOR_MS). A stall in the first interval after the
//     reset goes unseen. Nothing else scrapes the bench's stack.
//   - GC: nodejs_gc_duration_seconds is cumulative, so the window's is the difference: total pause
//     time, the number of pauses, and how many took longer than 10 ms (its bucket bound).
//   - CPU pressure: the share of the window during which some task on the machine was runnable
//     but waiting for a CPU (Linux PSI): a process can stall without any stall of its own.
// The bench reads these beside P2's latencies (bench/cases/p2-like-latency.ts);
// tests/unit/runtime-stalls.test.ts checks the reading against prom-client's own output.

import { readFileSync } from "node:fs";

export type StallSample = {
  lagP99Ms: number;
  lagMaxMs: number;
  gcSeconds: number;
  gcCount: number;
  gcOver10Ms: number;
};

export type Stalls = {
  /** How late the event loop ran over the window, beyond the monitor's own interval: p99 and maximum, ms. */
  eventLoopDelayMs: { p99: number; max: number };
  /** Garbage collection over the window: total pause ms, pauses, and pauses over 10 ms. */
  gc: { totalMs: number; pauses: number; over10Ms: number };
};

/** One scrape of the figures above; null when the metrics cannot be read. */
export async function sampleStalls(metricsUrl: string): Promise<StallSample | null> {
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return null;
    return parseStalls(await response.text());
  } catch {
    return null;
  }
}

/** The figures from a Prometheus text exposition (exported for the unit test). */
export function parseStalls(text: string): StallSample {
  let gcSeconds = 0;
  let gcCount = 0;
  let gcUpTo10Ms = 0;
  let lagP99 = NaN;
  let lagMax = NaN;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labels = "", raw] = match;
    const value = Number(raw);
    if (name === "nodejs_eventloop_lag_p99_seconds") lagP99 = value;
    else if (name === "nodejs_eventloop_lag_max_seconds") lagMax = value;
    else if (name === "nodejs_gc_duration_seconds_sum") gcSeconds += value;
    else if (name === "nodejs_gc_duration_seconds_count") gcCount += value;
    else if (name === "nodejs_gc_duration_seconds_bucket" && /le="0\.01"/.test(labels)) gcUpTo10Ms += value;
  }
  return {
    lagP99Ms: lagP99 * 1000,
    lagMaxMs: lagMax * 1000,
    gcSeconds,
    gcCount,
    gcOver10Ms: gcCount - gcUpTo10Ms,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The window between two samples; `end` carries the window's event-loop samples (the scrape reset
 * them at `start`), each the monitor's interval `monitorMs` plus the delay.
 */
export function stallsBetween(start: StallSample | null, end: StallSample | null, monitorMs: number): Stalls | null {
  if (!start || !end) return null;
  const delay = (sampleMs: number) => round(Math.max(0, sampleMs - monitorMs));
  return {
    eventLoopDelayMs: { p99: delay(end.lagP99Ms), max: delay(end.lagMaxMs) },
    gc: {
      totalMs: round((end.gcSeconds - start.gcSeconds) * 1000),
      pauses: end.gcCount - start.gcCount,
      over10Ms: end.gcOver10Ms - start.gcOver10Ms,
    },
  };
}

/**
 * The machine's CPU pressure (Linux PSI, /proc/pressure/cpu): microseconds, since boot, during which
 * at least one runnable task waited for a CPU. Null where the kernel does not expose it.
 */
export function cpuPressureUs(read: () => string = () => readFileSync("/proc/pressure/cpu", "utf8")): number | null {
  try {
    const total = /^some .*\btotal=(\d+)/m.exec(read())?.[1];
    return total === undefined ? null : Number(total);
  } catch {
    return null;
  }
}

/** The share of a window, in percent, during which some task waited for a CPU. */
export function cpuPressurePct(startUs: number | null, endUs: number | null, windowMs: number): number | null {
  if (startUs === null || endUs === null || windowMs <= 0) return null;
  return round(((endUs - startUs) / 1000 / windowMs) * 100);
}
