// Configuration, read and validated once. Every process (app server, worker, scripts) calls
// loadEnvOrExit() first thing, so a missing or malformed variable stops it with that variable's name.
// Route handlers call env(), which parses on first use within the Next bundle and caches.
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";
import { DEMO_OPT_IN, demoSecretProblems, demoSecretWarning, type SecretName } from "./demo-secrets";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .url()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// URL"),
    // Exactly one of REDIS_URL (one Redis) and REDIS_SENTINELS (the Sentinels watching a primary
    // and its replicas, "host:port,host:port,..."; the master is found by REDIS_SENTINEL_NAME).
    REDIS_URL: z
      .string()
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), "must be a redis:// URL")
      .optional(),
    REDIS_SENTINELS: z
      .string()
      .transform((value) => value.split(",").map((s) => s.trim()))
      .refine((list) => list.every((s) => /^[^\s:,]+:\d{1,5}$/.test(s)), "must be host:port,host:port,...")
      .transform((list) =>
        list.map((s) => ({ host: s.slice(0, s.lastIndexOf(":")), port: Number(s.slice(s.lastIndexOf(":") + 1)) })),
      )
      .optional(),
    REDIS_SENTINEL_NAME: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, _ . and - only")
      .default("likes"),
    // Namespace for every Redis key and pub/sub channel this app uses (queue, Socket.IO, limits),
    // so tests and several deployments can share one Redis without seeing each other.
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only")
      .default("likes"),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
    // A demo: production then accepts the public demo secrets (server/demo-secrets.ts) instead of
    // refusing to start. docker-compose.yml sets it; a real deployment never does.
    [DEMO_OPT_IN]: bool.default(false),
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
    // The worker's uploads sweeper (server/uploads.ts): how often it runs, and how old an unshown
    // or temporary file must be before it goes, so a photo being posted right now is never touched.
    UPLOADS_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(3600_000),
    UPLOADS_SWEEP_GRACE_MS: z.coerce.number().int().nonnegative().default(3600_000),
    // Where the worker also writes each heartbeat Redis took, for a container healthcheck to read
    // (scripts/healthcheck.mjs); unset, no file is written.
    HEARTBEAT_FILE: z.string().min(1).optional(),
    // After a like's notification toasts, the same liker's next likes of the same photo within
    // this window reach the owner's inbox without a toast (server/toast-cooldown.ts); 0: every one toasts.
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
  // Checked beside the schema, so it is named together with every other missing variable.
  const redisSource = redisSourceProblem(cleaned);
  const demoSecrets = demoSecretProblems(cleaned, CHECKED_SECRETS);
  if (!result.success || redisSource || demoSecrets.length) {
    const issues = result.success ? [] : result.error.issues;
    throw new ConfigError([
      ...issues.map((i) => {
        const missing = i.code === "invalid_type" && cleaned[String(i.path[0])] === undefined;
        return `${i.path.join(".")}: ${missing ? "is required" : i.message}`;
      }),
      ...(redisSource ? [redisSource] : []),
      ...demoSecrets,
    ]);
  }
  return result.data;
}

/** The secrets every process that calls env() holds; migrate and seed check theirs themselves. */
const CHECKED_SECRETS: readonly SecretName[] = ["NEXTAUTH_SECRET", "DATABASE_URL", "REDIS_URL"];

/** One Redis (REDIS_URL) or the Sentinels that know the current primary (REDIS_SENTINELS): exactly one. */
function redisSourceProblem(cleaned: Record<string, string | undefined>): string | null {
  const url = cleaned.REDIS_URL !== undefined;
  const sentinels = cleaned.REDIS_SENTINELS !== undefined;
  if (url && sentinels) return "REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both";
  if (!url && !sentinels) return "REDIS_URL: is required (or REDIS_SENTINELS, for a primary watched by Sentinel)";
  return null;
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
    const config = env();
    const warning = demoSecretWarning(process.env, CHECKED_SECRETS);
    if (warning) console.warn(warning);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
