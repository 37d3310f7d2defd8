// The HTTP API's conventions in one place: JSON everywhere, errors as
// {"error":{"code","message"}} with a stable code, same-origin mutations, session identity.
import { NextResponse, type NextRequest } from "next/server";
import { sessionUserFromCookies, type SessionUser } from "./session-token";
import { log } from "./log";
import { observeRequest } from "./telemetry/request";
import { measureHop } from "./telemetry/trace";
import { isForeignOrigin, requestOrigin as originOf } from "./origin";

export { ApiError, forbidden, invalidRequest, notFound, rateLimited, type ErrorCode } from "./api-errors";
import { ApiError, databaseUnavailable, type ErrorCode, invalidRequest, isDatabaseUnavailable } from "./api-errors";

/** An API error answer; `context` adds fields beside `error` (health's checks, sign-in's url). */
export function errorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
  context: Record<string, unknown> = {},
) {
  return NextResponse.json(
    { ...context, error: { code, message } },
    { status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}

export function json(body: unknown, status = 200) {
  return NextResponse.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The origin the browser addressed (server/origin.ts): the site a same-origin request names. */
export const requestOrigin = (req: Request) => originOf(req.headers);

type Handler<P> = (req: NextRequest, ctx: { params: P; user: SessionUser }) => Promise<Response>;
type PublicHandler<P> = (req: NextRequest, ctx: { params: P }) => Promise<Response>;

/**
 * Every API request: measured (trace, Server-Timing, a log line: server/telemetry/request.ts);
 * mutations from another site refused; errors answered as JSON.
 */
function run(req: NextRequest, fn: () => Promise<Response>): Promise<Response> {
  return observeRequest(req, () => handle(req, fn));
}

async function handle(req: NextRequest, fn: () => Promise<Response>): Promise<Response> {
  if (MUTATING.has(req.method) && isForeignOrigin(req.headers)) {
    return errorResponse(403, "forbidden", "Cross-origin request refused.");
  }
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message, error.headers);
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error, method: req.method, path: req.nextUrl.pathname }, "database unavailable");
      const { status, code, message, headers } = databaseUnavailable();
      return errorResponse(status, code, message, headers);
    }
    // nginx generates X-Request-Id: the log line leads from the answer to what went wrong.
    const requestId = req.headers.get("x-request-id") ?? undefined;
    log.error({ err: error, method: req.method, path: req.nextUrl.pathname, requestId }, "unhandled API error");
    return errorResponse(500, "internal_error", "Something went wrong on our side.");
  }
}

/** A handler that needs a signed-in user. The user comes from the session cookie, never the request. */
export function authed<P = Record<string, never>>(handler: Handler<P>) {
  return (req: NextRequest, ctx: { params: Promise<P> }) =>
    run(req, async () => {
      const cookies = Object.fromEntries(req.cookies.getAll().map((c) => [c.name, c.value]));
      const user = await measureHop("session", () => sessionUserFromCookies(cookies));
      if (!user) return errorResponse(401, "unauthenticated", "Sign in first.");
      return handler(req, { params: await ctx.params, user });
    });
}

export function open<P = Record<string, never>>(handler: PublicHandler<P>) {
  return (req: NextRequest, ctx: { params: Promise<P> }) =>
    run(req, async () => handler(req, { params: await ctx.params }));
}

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof ALL_METHODS)[number];
type RouteFn<P> = (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response>;

/**
 * Fills in every method a route does not implement with a JSON 405 (Next's own is an empty body),
 * and answers OPTIONS: same-origin only, so no Access-Control-Allow-Origin for anyone else.
 */
export function methods<P>(impl: Partial<Record<Method, RouteFn<P>>>) {
  const allow = [...Object.keys(impl), "OPTIONS"].join(", ");
  const notAllowed: RouteFn<P> = async () =>
    errorResponse(405, "method_not_allowed", `Allowed: ${allow}.`, { Allow: allow });
  const out = Object.fromEntries(ALL_METHODS.map((m) => [m, impl[m] ?? notAllowed])) as Record<Method, RouteFn<P>>;
  const OPTIONS = async (req: NextRequest) => {
    const origin = req.headers.get("origin");
    const headers: Record<string, string> = { Allow: allow };
    if (origin && origin === requestOrigin(req)) {
      Object.assign(headers, {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": allow,
        "Access-Control-Allow-Headers": "content-type",
        "Access-Control-Allow-Credentials": "true",
        Vary: "Origin",
      });
    }
    return new Response(null, { status: 204, headers });
  };
  return { ...out, OPTIONS };
}

const MAX_JSON_BYTES = 16 * 1024;

/** Reads a small JSON body: 413 past the limit, 400 for anything that is not JSON. */
export async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_JSON_BYTES) throw new ApiError(413, "payload_too_large", `Body over ${MAX_JSON_BYTES} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES)
    throw new ApiError(413, "payload_too_large", `Body over ${MAX_JSON_BYTES} bytes.`);
  if (!text.trim()) throw invalidRequest("Expected a JSON body.");
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest("Body is not valid JSON.");
  }
}

/**
 * Reads a multipart/form-data body of at most `maxBytes`: 415 for any other body, 413 past the
 * limit (counted as it arrives, so an oversized body is never held whole), 400 when it does not
 * parse. nginx has its own, slightly higher, cap (client_max_body_size on /api/posts).
 */
export async function readForm(req: Request, maxBytes: number, tooLarge: string): Promise<FormData> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "Send the photo as multipart/form-data (a form with a file field).",
    );
  }
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new ApiError(413, "payload_too_large", tooLarge);
  if (!req.body) throw invalidRequest("The form is empty.");
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new ApiError(413, "payload_too_large", tooLarge);
    }
    chunks.push(value);
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { "content-type": type } }).formData();
  } catch {
    throw invalidRequest("The form could not be read: it is not well-formed multipart/form-data.");
  }
}
