// One trace per like, in W3C Trace Context (https://www.w3.org/TR/trace-context/): the browser
// (or nginx, for clients that send none) starts it in a `traceparent` header, and every hop after
// carries the trace id on: the route handler, the SQL statement (a comment), the outbox row, the
// BullMQ job, the worker and the Socket.IO event to the owner. Every log line written inside a
// trace names it (server/log.ts), so grepping one id over nginx's, the app's and the worker's logs
// shows one like's whole path. Why a small explicit context and not the OpenTelemetry SDK:
// docs/decisions/015-trace-context.md.
//
// The context also times the hops the app plays (shared/journey.ts): the like response reports them
// in Server-Timing, and the worker passes them on to the owner's browser.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { HopTimings } from "../shared/journey";

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

/** One request's or one job's trace, and the hop times measured inside it. */
export type TraceScope = {
  trace: TraceContext;
  hops: HopTimings;
  /** performance.now() when the scope began: the route hop is measured from here. */
  startedAt: number;
  /** Extra Server-Timing metrics that are not hops (enqueue). */
  metrics: Record<string, number>;
};

const storage = new AsyncLocalStorage<TraceScope>();

export function runInTrace<T>(trace: TraceContext, fn: () => T, hops: HopTimings = {}): T {
  return storage.run({ trace, hops: { ...hops }, startedAt: performance.now(), metrics: {} }, fn);
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
export function recordHop(hop: keyof HopTimings, ms: number | null): void {
  const scope = storage.getStore();
  if (scope) scope.hops[hop] = ms === null ? null : hopMs(ms);
}

/** The route hop: the handler's own time from the scope's start to now, less the session hop. */
export function recordRouteHop(): void {
  const scope = storage.getStore();
  if (scope) recordHop("route", performance.now() - scope.startedAt - (scope.hops.session ?? 0));
}

/**
 * What the outbox row keeps of the request's trace: its traceparent, to continue from, and the
 * hops measured before the statement. The worker reads it back (server/notifications.ts).
 */
export type StoredTrace = { traceparent: string; hops: HopTimings };

export function traceToStore(): StoredTrace | null {
  const scope = storage.getStore();
  return scope ? { traceparent: formatTraceparent(scope.trace), hops: { ...scope.hops } } : null;
}

/** Times `fn` as one hop (or, with `metric`, one extra Server-Timing metric) of the current scope. */
export async function timed<T>(name: keyof HopTimings | { metric: string }, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    const ms = performance.now() - started;
    if (typeof name === "string") recordHop(name, ms);
    else {
      const scope = storage.getStore();
      if (scope) scope.metrics[name.metric] = hopMs(ms);
    }
  }
}

/**
 * A sqlcommenter-style comment naming the trace, put in front of the like statement: Postgres
 * shows it in pg_stat_activity and in its logs (log_min_duration_statement), tying a slow
 * statement to the click that sent it. Built from hex digits only, so it cannot end the comment.
 */
export function sqlTraceComment(): string {
  const trace = currentTrace();
  return trace ? traceComment(formatTraceparent(trace)) : "";
}

/** The comment for a given traceparent (the bench's floor and pgbench send the app's text too). */
export function traceComment(traceparent: string): string {
  return `/*traceparent='${traceparent}'*/ `;
}

/**
 * The click hop, measured by the liker's browser and sent in tracestate as `likes=click:<ms>`
 * (the vendor entry W3C Trace Context provides for such data). Out-of-range values are dropped:
 * it is the browser's own report, shown, never acted on.
 */
export function clickMsFromTracestate(tracestate: string | null | undefined): number | null {
  if (!tracestate || tracestate.length > 512) return null;
  for (const member of tracestate.split(",")) {
    const match = /^\s*likes=click:(\d{1,5})\s*$/.exec(member);
    if (match) {
      const ms = Number(match[1]);
      return ms <= 60_000 ? ms : null;
    }
  }
  return null;
}

/**
 * The nginx hop: from nginx handing the request on (X-Request-Start: t=<epoch seconds with ms>,
 * set by nginx/templates/likes.conf.template) to the route handler starting. Null without nginx in
 * front, or for a value no clock could produce.
 */
export function nginxMsFromRequestStart(header: string | null | undefined, now = Date.now()): number | null {
  const match = /^t=(\d{9,11}(?:\.\d{1,6})?)$/.exec(header?.trim() ?? "");
  if (!match) return null;
  const ms = now - Number(match[1]) * 1000;
  if (ms < -1000 || ms > 60_000) return null;
  return Math.max(0, ms);
}

/** The Server-Timing header for the current scope: the hops measured here, then extra metrics. */
export function serverTimingHeader(scope: TraceScope, totalMs: number): string {
  const parts: string[] = [];
  for (const hop of ["nginx", "route", "session", "postgres"] as const) {
    const ms = scope.hops[hop];
    if (typeof ms === "number") parts.push(`${hop};dur=${ms}`);
  }
  for (const [name, ms] of Object.entries(scope.metrics)) parts.push(`${name};dur=${ms}`);
  parts.push(`app;dur=${hopMs(totalMs)}`);
  return parts.join(", ");
}
