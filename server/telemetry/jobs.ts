// A like's trace through the queue. BullMQ has a telemetry interface of its own (the hook its
// OpenTelemetry integration uses); `jobTelemetry` implements it with our trace scope, and the
// queue and the worker are made with it (server/queue.ts, workers/notifications.ts):
// - adding a job inside a request (or the relay's pass) stores, in the job's options, the trace to
//   continue and what the journey needs later: when the like committed, the postgres hop, and
//   when the job was added; the add's round trip to Redis is Server-Timing's `enqueue`;
// - the worker runs each job inside a scope that continues that trace, so the job's log lines
//   carry the liker's trace id, and the journey knows when the job was taken (the queue hop).
// Everything else BullMQ traces (its internal operations) is ignored.
import { SpanKind, type ContextManager, type Span, type Telemetry, type Tracer } from "bullmq";
import { countRelayedEvent } from "./metrics";
import {
  continueTrace,
  currentScope,
  formatTraceparent,
  newScope,
  recordHop,
  recordMetric,
  runInScope,
  type JobTiming,
  type StoredTrace,
  type TraceScope,
} from "./trace";

/** What a job carries of its trace (BullMQ stores it as the job's telemetry metadata). */
type JobTrace = { traceparent: string; committedAt: number; postgres: number | null; addedAt: number };

const contextManager: ContextManager<TraceScope | undefined> = {
  with: (scope, fn) => runInScope(scope, fn),
  active: () => currentScope(),
  root: () => undefined,
  getMetadata(scope) {
    if (!scope) return "";
    const carried: JobTrace = {
      traceparent: formatTraceparent(scope.trace),
      committedAt: scope.committedAt ?? Date.now(),
      postgres: scope.committedAt === undefined ? (scope.hops.postgres ?? null) : null,
      addedAt: Date.now(),
    };
    return JSON.stringify(carried);
  },
  fromMetadata(active, metadata) {
    const carried = parseJobTrace(metadata);
    if (!carried) return active;
    const { traceparent, ...timing } = carried;
    const job: JobTiming = { ...timing, takenAt: Date.now() };
    return newScope(continueTrace(traceparent), {}, job);
  },
};

function parseJobTrace(metadata: string): JobTrace | null {
  try {
    const value = JSON.parse(metadata) as Partial<JobTrace>;
    if (typeof value.traceparent !== "string" || typeof value.committedAt !== "number") return null;
    if (typeof value.addedAt !== "number") return null;
    return {
      traceparent: value.traceparent,
      committedAt: value.committedAt,
      postgres: typeof value.postgres === "number" ? value.postgres : null,
      addedAt: value.addedAt,
    };
  } catch {
    return null;
  }
}

const NOTHING = () => undefined;

const tracer: Tracer<TraceScope | undefined> = {
  startSpan(name, options, context) {
    const kind = options?.kind ?? SpanKind.INTERNAL;
    const scope = context ?? currentScope();
    const started = performance.now();
    const span: Span<TraceScope | undefined> = {
      // A job that came without a trace (added by hand, say) starts one of its own.
      setSpanOnContext: (ctx) => ctx ?? (kind === SpanKind.CONSUMER ? newScope(continueTrace(null)) : ctx),
      setAttribute: NOTHING,
      setAttributes: NOTHING,
      addEvent: NOTHING,
      recordException: NOTHING,
      end() {
        if (kind === SpanKind.PRODUCER && name.startsWith("add ") && scope) {
          runInScope(scope, () => recordMetric("enqueue", performance.now() - started));
        }
      },
    };
    return span;
  },
};

export const jobTelemetry: Telemetry<TraceScope | undefined> = { tracer, contextManager };

/**
 * The trace the like's outbox row keeps, as JSON: its traceparent and the hops so far. The route
 * hop ends here, where the handler hands the like to Postgres: its own time, less the session's.
 */
export function traceForOutbox(): string | null {
  const scope = currentScope();
  if (!scope) return null;
  recordHop("route", performance.now() - scope.startedAt - (scope.hops.session ?? 0));
  return JSON.stringify({ traceparent: formatTraceparent(scope.trace), hops: scope.hops } satisfies StoredTrace);
}

/**
 * Runs the outbox relay's enqueue of one event inside the trace its row kept, so the job continues
 * the like's request; its outbox hop then shows the relay's delay (from the row's creation).
 */
export async function continueStoredTrace<T>(
  event: { trace: StoredTrace | null; createdAt: Date },
  fn: () => Promise<T>,
): Promise<T> {
  const scope = newScope(continueTrace(event.trace?.traceparent));
  scope.committedAt = event.createdAt.getTime();
  const enqueued = await runInScope(scope, fn);
  countRelayedEvent();
  return enqueued;
}
