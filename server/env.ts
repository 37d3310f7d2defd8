// Configuration, read and validated once. Every process (app server, worker, scripts) calls
// loadEnvOrExit() first thing, so a missing or malformed variable stops it with that variable's name.
// Route handlers call env(), which parses on first use within the Next bundle and caches.
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .url()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// URL"),
    REDIS_URL: z
      .string()
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), "must be a redis:// URL"),
    // Namespace for every Redis key and pub/sub channel this app uses (queue, Socket.IO, limits),
    // so tests and several deployments can share one Redis without seeing each other.
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only")
      .default("likes"),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
    // The public URL people open (through nginx). When set, next-auth builds every URL from it and
    // ignores the forwarded headers; leave it unset with AUTH_TRUST_HOST=true to serve HTTP and
    // HTTPS from one app (behind TLS the cookies then get their __Secure- names).
    NEXTAUTH_URL: z.string().url().optional(),
    AUTH_TRUST_HOST: bool.default(false),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    // Shown in logs and in the Socket.IO handshake, to tell instances apart when scaled out.
    INSTANCE_ID: z.string().default(`${hostname()}-${process.pid}`),
    LIKE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(120),
    // Posted photos: where the app writes them (nginx serves the same directory at /uploads/),
    // and how many photos one person may post per hour (each costs a decode and an encode).
    UPLOADS_DIR: z.string().min(1).default("uploads"),
    POST_RATE_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(30),
    SIGNIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
    SIGNIN_LOCKOUT_SECONDS: z.coerce.number().int().positive().default(900),
    OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
    // An outbox row younger than this is left to the route's own enqueue.
    OUTBOX_RELAY_GRACE_MS: z.coerce.number().int().nonnegative().default(3000),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
    // Where the worker also writes each heartbeat Redis took, for a container healthcheck to read
    // (scripts/healthcheck.mjs); unset, no file is written.
    HEARTBEAT_FILE: z.string().min(1).optional(),
    // After a like's notification toasts, the same liker's next likes of the same photo within
    // this window reach the owner's inbox without a toast (server/toast-cooldown.ts).
    NOTIFICATION_TOAST_COOLDOWN_MS: z.coerce.number().int().nonnegative().default(5000),
    // /api/health fails the backlog check when a like's notification has waited longer than this
    // (the oldest unprocessed outbox event): the worker is down, stuck or far behind.
    HEALTH_BACKLOG_MAX_AGE_MS: z.coerce.number().int().positive().default(30_000),
    // The metrics listener (GET /metrics, Prometheus; server/telemetry/metrics-server.ts): never the
    // app's port, never behind nginx. Unset port: 9464 for the app, 9465 for the worker; 0: off.
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    LOG_PRETTY: bool.default(false),
  })
  .refine((e) => e.NEXTAUTH_URL !== undefined || e.AUTH_TRUST_HOST, {
    path: ["NEXTAUTH_URL"],
    message: "is required unless AUTH_TRUST_HOST=true (next-auth needs to know the public origin)",
  });

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example.`);
    this.name = "ConfigError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Treat empty strings as unset, as shells and compose files produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const missing = i.code === "invalid_type" && cleaned[String(i.path[0])] === undefined;
        return `${i.path.join(".")}: ${missing ? "is required" : i.message}`;
      }),
    );
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Loads .env (never overriding the real environment) and validates; exits with a clear message. */
export function loadEnvOrExit(): Env {
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    return env();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
