// The measurement around every API request (server/api.ts calls it once): the trace nginx or the
// browser started goes on, the hops measured before the app (click, nginx) are read from their
// headers, and the answer leaves with Server-Timing (the hops the app played) and traceresponse
// (the trace id, W3C Trace Context Level 2). One "api request" log line per request.
import type { NextRequest } from "next/server";
import { log } from "../log";
import { observeHttpRequest } from "./metrics";
import { continueTrace, currentScope, formatTraceparent, hopMs, runInTrace, type TraceScope } from "./trace";

export async function observeRequest(req: NextRequest, handle: () => Promise<Response>): Promise<Response> {
  const trace = continueTrace(req.headers.get("traceparent"));
  const hops = {
    click: clickMsFromTracestate(req.headers.get("tracestate")),
    nginx: nginxMsFromRequestStart(req.headers.get("x-request-start")),
  };
  return runInTrace(
    trace,
    async () => {
      const response = await handle();
      const scope = currentScope()!;
      const ms = performance.now() - scope.startedAt;
      observeHttpRequest(req.method, req.nextUrl.pathname, response.status, ms / 1000);
      response.headers.set("Server-Timing", serverTimingHeader(scope, ms));
      response.headers.set("traceresponse", formatTraceparent(scope.trace));
      // nginx generates X-Request-Id: the app's line and nginx's share it.
      const requestId = req.headers.get("x-request-id") ?? undefined;
      log.info(
        {
          requestId,
          method: req.method,
          path: req.nextUrl.pathname,
          status: response.status,
          ms: Math.round(ms * 10) / 10,
        },
        "api request",
      );
      return response;
    },
    hops,
  );
}

/**
 * The click hop, measured by the liker's browser and sent in tracestate as `likes=click:<ms>`
 * (the vendor entry W3C Trace Context provides for such data). Out-of-range values are dropped:
 * it is the browser's own report, shown, never acted on.
 */
export function clickMsFromTracestate(tracestate: string | null | undefined): number | null {
  if (!tracestate || tracestate.length > 512) return null;
  for (const member of tracestate.split(",")) {
    const match = /^\s*likes=click:(\d{1,5})\s*$/.exec(member);
    if (match) {
      const ms = Number(match[1]);
      return ms <= 60_000 ? ms : null;
    }
  }
  return null;
}

/**
 * The nginx hop: from nginx handing the request on (X-Request-Start: t=<epoch seconds with ms>,
 * set by nginx/templates/likes.conf.template) to the route handler starting. Null without nginx in
 * front, or for a value no clock could produce.
 */
export function nginxMsFromRequestStart(header: string | null | undefined, now = Date.now()): number | null {
  const match = /^t=(\d{9,11}(?:\.\d{1,6})?)$/.exec(header?.trim() ?? "");
  if (!match) return null;
  const ms = now - Number(match[1]) * 1000;
  if (ms < -1000 || ms > 60_000) return null;
  return Math.max(0, ms);
}

/** The Server-Timing header for a scope: the hops measured here, then other metrics, then the whole. */
export function serverTimingHeader(scope: TraceScope, totalMs: number): string {
  const parts: string[] = [];
  for (const hop of ["nginx", "route", "session", "postgres"] as const) {
    const ms = scope.hops[hop];
    if (typeof ms === "number") parts.push(`${hop};dur=${ms}`);
  }
  for (const [name, ms] of Object.entries(scope.metrics)) parts.push(`${name};dur=${ms}`);
  parts.push(`app;dur=${hopMs(totalMs)}`);
  return parts.join(", ");
}
