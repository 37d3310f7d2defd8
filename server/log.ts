// One structured logger for every process. JSON lines in production; pretty when LOG_PRETTY=true.
import pino from "pino";

const level = process.env.LOG_LEVEL ?? "info";

export const log = pino({
  level,
  base: { service: process.env.SERVICE_NAME ?? "app", instance: process.env.INSTANCE_ID },
  redact: ["req.headers.cookie", "password", "passwordHash"],
  ...(process.env.LOG_PRETTY === "true" ? { transport: { target: "pino-pretty" } } : {}),
});
