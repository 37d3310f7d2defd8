// One structured logger for every process. JSON lines in production; pretty when LOG_PRETTY=true.
// Inside a trace (a like's request, its job in the worker) every line names it: trace_id and
// span_id, the field names OpenTelemetry's log model uses and nginx's access log repeats, so one
// grep for a trace id finds a like in every process's logs (server/telemetry/trace.ts).
//
// The logger is made on first use, not on import: by then the process's entry point has loaded
// and validated its environment (server/env.ts), so every module can import this one statically.
import pino, { type LogFn, type Logger } from "pino";
import { currentScope } from "./telemetry/trace";

let logger: Logger | undefined;

function instance(): Logger {
  logger ??= pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { service: process.env.SERVICE_NAME ?? "app", instance: process.env.INSTANCE_ID },
    redact: ["req.headers.cookie", "password", "passwordHash"],
    mixin() {
      const scope = currentScope();
      return scope ? { trace_id: scope.trace.traceId, span_id: scope.trace.spanId, ...scope.logFields } : {};
    },
    ...(process.env.LOG_PRETTY === "true" ? { transport: { target: "pino-pretty" } } : {}),
  });
  return logger;
}

const level =
  (name: "fatal" | "error" | "warn" | "info" | "debug" | "trace"): LogFn =>
  (...args: Parameters<LogFn>) =>
    instance()[name](...args);

export const log = {
  fatal: level("fatal"),
  error: level("error"),
  warn: level("warn"),
  info: level("info"),
  debug: level("debug"),
  trace: level("trace"),
};
