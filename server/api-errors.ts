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
export const rateLimited = (retryAfterSeconds: number) =>
  new ApiError(429, "rate_limited", "Too many requests; slow down.", { "Retry-After": String(retryAfterSeconds) });
