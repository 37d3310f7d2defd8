// Next.js proxy (the file convention that replaced middleware in Next 16): runs before every page
// render and gives it a fresh CSP nonce (server/content-security-policy.ts). Next reads the nonce
// from the request's Content-Security-Policy header and stamps it on its own scripts; the response
// carries the same policy, and nginx, seeing it, adds no other.
import { NextResponse, type NextRequest } from "next/server";
import { newNonce, pageContentSecurityPolicy } from "./server/content-security-policy";

export function proxy(request: NextRequest) {
  const policy = pageContentSecurityPolicy({
    nonce: newNonce(),
    host: request.headers.get("host"),
    dev: process.env.NODE_ENV !== "production",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: not the API, not static files, and not prefetches (their HTML is never run).
  matcher: [
    {
      source: "/((?!api/|_next/static/|_next/image|seed/|uploads/|icon\\.svg|favicon\\.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
