// One structured logger for every process. JSON lines in production; pretty when LOG_PRETTY=true.
// Inside a trace (a like's request, its job in the worker) every line names it: trace_id and
// span_id, the field names OpenTelemetry's log model uses and nginx's access log repeats, so one
// grep for a trace id finds a like in every process's logs (server/trace.ts).
import pino from "pino";
import { currentTrace } from "./trace";

const level = process.env.LOG_LEVEL ?? "info";

export const log = pino({
  level,
  base: { service: process.env.SERVICE_NAME ?? "app", instance: process.env.INSTANCE_ID },
  redact: ["req.headers.cookie", "password", "passwordHash"],
  mixin() {
    const trace = currentTrace();
    return trace ? { trace_id: trace.traceId, span_id: trace.spanId } : {};
  },
  ...(process.env.LOG_PRETTY === "true" ? { transport: { target: "pino-pretty" } } : {}),
});
