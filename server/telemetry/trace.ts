// One trace per like, in W3C Trace Context (https://www.w3.org/TR/trace-context/): the browser (or
// nginx, for clients that send none) starts it in a `traceparent` header, and every hop after
// carries the trace id on: the route handler, the SQL statement (a comment), the outbox row, the
// BullMQ job, the worker and the Socket.IO event to the owner. Every log line written inside a
// trace names it (server/log.ts), so one grep over nginx's, the app's and the worker's logs shows
// one like's whole path. Why a small explicit context, not the OpenTelemetry SDK:
// docs/decisions/015-trace-context.md; how it attaches to the code: docs/decisions/022-measurement-beside-the-story.md.
//
// The scope also times the hops this process plays (shared/journey.ts): the like's answer reports
// them in Server-Timing, and the worker passes them on to the owner's browser.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { HopId, HopTimings } from "../../shared/journey";

export type TraceContext = {
  traceId: string;
  /** This process's span: the id it hands on as the parent of the next hop. */
  spanId: string;
  /** The caller's span (nginx's, the browser's, the request that wrote an outbox event). */
  parentSpanId: string | null;
  sampled: boolean;
};

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/**
 * Parses a traceparent header; null for anything malformed (then a new trace starts). Per the
 * spec: version ff is invalid, all-zero ids are invalid, and a later version may append fields.
 */
export function parseTraceparent(
  header: string | null | undefined,
): { traceId: string; parentSpanId: string; sampled: boolean } | null {
  if (!header || header.length > 512) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, parentSpanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === "ff" || (version === "00" && header.trim().length !== 55)) return null;
  if (traceId === ZERO_TRACE || parentSpanId === ZERO_SPAN) return null;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export const newTraceId = () => randomBytes(16).toString("hex");
export const newSpanId = () => randomBytes(8).toString("hex");

/** Continues the caller's trace with a new span of ours, or starts a trace when there is none. */
export function continueTrace(traceparent: string | null | undefined): TraceContext {
  const parent = parseTraceparent(traceparent);
  return parent
    ? { traceId: parent.traceId, spanId: newSpanId(), parentSpanId: parent.parentSpanId, sampled: parent.sampled }
    : { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: null, sampled: true };
}

/** The header value that names our span as the parent of the next hop. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? "01" : "00"}`;
}

/**
 * What the like's outbox row keeps of the request's trace: its traceparent, to continue from, and
 * the hops measured before the statement. The worker reads it back with the event.
 */
export type StoredTrace = { traceparent: string; hops: HopTimings };

/** What a job's trace brought from the request that enqueued it (server/telemetry/jobs.ts). */
export type JobTiming = {
  /** When the like's statement committed (epoch ms); for a relayed job, when its outbox row was written. */
  committedAt: number;
  /** The request's postgres hop; null for a relayed job (its request ended long ago). */
  postgres: number | null;
  /** When the job was added to the queue, and when this worker took it (epoch ms). */
  addedAt: number;
  takenAt: number;
};

/** One request's or one job's trace, and what is measured inside it. */
export type TraceScope = {
  trace: TraceContext;
  hops: HopTimings;
  /** performance.now() when the scope began: the route hop and the worker hop are measured from here. */
  startedAt: number;
  /** Server-Timing metrics that are not hops (enqueue). */
  metrics: Record<string, number>;
  /** In a job's scope: what the enqueueing request measured, and the queue's timestamps. */
  job?: JobTiming;
  /** When the change this scope enqueues committed, if not just now (the relay: the row's time). */
  committedAt?: number;
  /** In a job's scope: when the worker handed the journey over with the push (epoch ms; the metrics' like-to-push). */
  pushedAt?: number;
  /** Fields every later log line of this scope carries (the hops, once the worker knows them). */
  logFields?: Record<string, unknown>;
  /** Statements to Postgres under way, and since when (server/telemetry/postgres.ts). */
  postgres: { running: number; since: number };
};

// One storage per process, on globalThis: the custom server (server/main.ts, run by tsx) and Next's
// bundle of the route handlers each load their own copy of this module, and a queue or a client
// made by one is used by the other.
const globalForTrace = globalThis as unknown as { __likesTraceStorage?: AsyncLocalStorage<TraceScope | undefined> };
const storage = (globalForTrace.__likesTraceStorage ??= new AsyncLocalStorage<TraceScope | undefined>());

export function newScope(trace: TraceContext, hops: HopTimings = {}, job?: JobTiming): TraceScope {
  return {
    trace,
    hops: { ...hops },
    startedAt: performance.now(),
    metrics: {},
    job,
    postgres: { running: 0, since: 0 },
  };
}

export function runInTrace<T>(trace: TraceContext, fn: () => T, hops: HopTimings = {}): T {
  return storage.run(newScope(trace, hops), fn);
}

/** Runs `fn` inside `scope` (undefined: outside any), as BullMQ's telemetry asks (server/telemetry/jobs.ts). */
export function runInScope<T>(scope: TraceScope | undefined, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): TraceScope | undefined {
  return storage.getStore();
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore()?.trace;
}

/** A hop's figure as shown: never negative, to the hundredth of a millisecond. */
export const hopMs = (ms: number) => Math.max(0, Math.round(ms * 100) / 100);

/** Records a hop's time in the current scope (no-op outside one). */
export function recordHop(hop: HopId, ms: number | null): void {
  const scope = storage.getStore();
  if (scope) scope.hops[hop] = ms === null ? null : hopMs(ms);
}

/** Times `fn` as one hop of the current scope. */
export async function measureHop<T>(hop: HopId, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    recordHop(hop, performance.now() - started);
  }
}

/** Records a Server-Timing metric that is not a hop (enqueue) in the current scope. */
export function recordMetric(name: string, ms: number): void {
  const scope = storage.getStore();
  if (scope) scope.metrics[name] = hopMs(ms);
}
