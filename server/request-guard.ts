// The custom server's first look at a request, before Next.js routes it. Next decodes the path to
// match routes and answers a path it cannot decode (`/api/posts/%C0%AF`: percent-encoding that is
// not UTF-8) with a bare 500 "Internal Server Error". That is the client's mistake, not ours: it
// gets a 400, in the API's JSON shape under /api, and a short page elsewhere. nginx rejects the
// worst (%00, bad escapes) before they get here; this covers the app without nginx in front too.
import type { IncomingMessage, ServerResponse } from "node:http";

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

/** Answers a malformed request with 400 and returns true; returns false for everything else. */
export function rejectMalformed(req: IncomingMessage, res: ServerResponse): boolean {
  const problem = malformedTarget(req.url);
  if (!problem) return false;
  const api = (req.url ?? "").startsWith("/api/");
  const body = api
    ? JSON.stringify({ error: { code: "invalid_request", message: problem } })
    : `<!doctype html><meta charset="utf-8"><title>Bad request · Likes</title><h1>That address is not valid</h1><p>${problem} <a href="/">Go to the feed</a>.</p>`;
  res.writeHead(400, {
    "Content-Type": api ? "application/json" : "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
  return true;
}
