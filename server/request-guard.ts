// The custom server's first look at a request, before Next.js routes it. Next decodes the path to
// match routes and answers a path it cannot decode (`/api/posts/%C0%AF`: percent-encoding that is
// not UTF-8) with a bare 500 "Internal Server Error". That is the client's mistake, not ours: it
// gets a 400, in the API's JSON shape under /api, and a short page elsewhere. nginx rejects the
// worst (%00, bad escapes) before they get here; this covers the app without nginx in front too.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** An API path with an empty segment names no endpoint (Next would answer it with a bare redirect). */
export function isEmptySegmentApiPath(target: string | undefined): boolean {
  const path = (target ?? "").split("?", 1)[0]!;
  return path.startsWith("/api/") && path.includes("//");
}

/** Why a request target cannot be routed, or null when it can. */
export function malformedTarget(target: string | undefined): string | null {
  if (!target || target.length > 8192) return "The request target is missing or too long.";
  const path = target.split("?", 1)[0]!;
  if (!path.startsWith("/") && target !== "*") return "The request path must start with /.";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "The request path has invalid percent-encoding.";
  }
  // NUL and other control characters have no business in a path.
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return "The request path contains control characters.";
  return null;
}

/**
 * Answers a malformed request with 400 (under /api: an empty segment with 404, a method no route
 * can have with 405) and returns true; returns false for everything else.
 */
/** The methods Next routes; it answers any other (PROPFIND, FOO…) with an empty 400. */
const ROUTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function answerJson(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): true {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body);
  return true;
}

/**
 * Node's own HTTP parser refuses some requests before any handler runs (a method it does not know,
 * a malformed header) with a bare 400; answer those in the API's shape too. The raw bytes say
 * whether it was an /api request.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const head = error.rawPacket?.subarray(0, 200).toString("latin1") ?? "";
  const unknownMethod = error.code === "HPE_INVALID_METHOD";
  const api = / \/api\//.test(head.split("\r\n", 1)[0] ?? "");
  const status = unknownMethod ? 405 : 400;
  const body = api
    ? JSON.stringify({
        error: {
          code: unknownMethod ? "method_not_allowed" : "invalid_request",
          message: unknownMethod ? "This method is not supported." : "The request is malformed.",
        },
      })
    : "Bad request";
  socket.end(
    `HTTP/1.1 ${status} ${unknownMethod ? "Method Not Allowed" : "Bad Request"}\r\nContent-Type: ${api ? "application/json" : "text/plain"}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function rejectMalformed(req: IncomingMessage, res: ServerResponse): boolean {
  const api = (req.url ?? "").startsWith("/api/");
  if (api && !ROUTED_METHODS.has(req.method ?? "")) {
    return answerJson(res, 405, "method_not_allowed", `Method ${String(req.method).slice(0, 20)} is not supported.`, {
      Allow: [...ROUTED_METHODS].join(", "),
    });
  }
  if (isEmptySegmentApiPath(req.url)) return answerJson(res, 404, "not_found", "No such API endpoint.");
  const problem = malformedTarget(req.url);
  if (!problem) return false;
  if (api) return answerJson(res, 400, "invalid_request", problem);
  const body = `<!doctype html><meta charset="utf-8"><title>Bad request · Likes</title><h1>That address is not valid</h1><p>${problem} <a href="/">Go to the feed</a>.</p>`;
  res.writeHead(400, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
  return true;
}

/**
 * The custom server's HTTP listener around Next's request handler: the guard first, and idle
 * keep-alive sockets kept open longer than nginx's upstream keepalive_timeout (60 s), so nginx
 * never reuses a connection the app is closing. The bench's Next.js floor uses it too, so both
 * have the same shape.
 */
export function createGuardedServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Server {
  const server = createServer((req, res) => {
    // A path Next cannot decode would be its bare 500; it is the client's error: 400.
    if (rejectMalformed(req, res)) return;
    void handle(req, res);
  });
  server.on("clientError", answerClientError);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
