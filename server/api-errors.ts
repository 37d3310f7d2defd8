// API errors as values: thrown by domain code, turned into JSON by server/api.ts.
// Kept free of Next imports so the worker and scripts can use the domain modules too.
export type ErrorCode =
  | "invalid_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "invalid_image"
  | "rate_limited"
  | "unavailable"
  | "internal_error";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const invalidRequest = (message: string) => new ApiError(400, "invalid_request", message);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const rateLimited = (retryAfterSeconds: number) =>
  new ApiError(429, "rate_limited", "Too many requests; slow down.", { "Retry-After": String(retryAfterSeconds) });

// Codes that mean "the database is not reachable right now", not "this request is wrong": the
// connection refused or cut (a failover in progress: no leader behind HAProxy, or the old primary's
// sessions shut down), Postgres shutting down or starting, or a write reaching a demoted primary.
const DATABASE_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "P1001", // Prisma: can't reach the database server
  "P1017", // Prisma: the server closed the connection
  "P2024", // Prisma: timed out fetching a connection from the pool
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "25006", // read_only_sql_transaction
]);
const DATABASE_DOWN_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|Can't reach database|server closed the connection/i;

/**
 * Is this error (or one of its causes) Postgres being unreachable for a while? During a failover
 * the client should retry shortly: 503 with Retry-After, rather than a 500 that reads as a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && DATABASE_DOWN_CODES.has(code)) return true;
    if (typeof message === "string" && DATABASE_DOWN_MESSAGE.test(message)) return true;
    e = cause;
  }
  return false;
}

export const databaseUnavailable = () =>
  new ApiError(503, "unavailable", "The database is briefly unavailable; retry shortly.", { "Retry-After": "1" });
