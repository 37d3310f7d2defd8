// next-auth's own endpoints (/api/auth/csrf, /callback/credentials, /session, /signout …).
// Sign-in attempts for a username that has failed too often are refused here with 429 before
// next-auth sees them; failures are counted in server/auth.ts.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { errorResponse, methods, requestOrigin } from "@/server/api";
import { authOptions, signinBlockedFor } from "@/server/auth";

type Ctx = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth answers what it does not support (an unknown action, a method it does not take) with
 * plain text or an empty body; under /api every error is JSON (server/api.ts), so those become
 * the same shape, status kept. Its own JSON, redirects and pages pass through untouched.
 */
async function handler(req: NextRequest, ctx: Ctx) {
  const response: Response = await NextAuth(authOptions())(req, ctx);
  if (response.status < 400 || /application\/json/.test(response.headers.get("content-type") ?? "")) return response;
  const detail = (await response.text()).trim().slice(0, 200);
  if (response.status === 405)
    return errorResponse(405, "method_not_allowed", detail || "This method is not allowed here.");
  if (response.status === 404) return errorResponse(404, "not_found", detail || "No such sign-in endpoint.");
  if (response.status >= 500)
    return errorResponse(response.status, "internal_error", "Something went wrong on our side.");
  return errorResponse(response.status, "invalid_request", detail || "This sign-in request is not supported.");
}

async function postWithLockout(req: NextRequest, ctx: Ctx) {
  if (req.nextUrl.pathname.endsWith("/callback/credentials")) {
    const form = await req
      .clone()
      .formData()
      .catch(() => null);
    const username = form?.get("username");
    if (typeof username === "string" && username) {
      const wait = await signinBlockedFor(username);
      if (wait > 0) {
        // next-auth's client signIn() expects an absolute `url` in the JSON answer (it parses it
        // with new URL()); with one it reports { ok: false, status: 429 } instead of throwing.
        const url = `${requestOrigin(req) ?? ""}/signin?error=rate_limited`;
        return errorResponse(
          429,
          "rate_limited",
          `Too many failed sign-ins for this username. Try again in ${Math.ceil(wait / 60)} min.`,
          { "Retry-After": String(wait) },
          { url },
        );
      }
    }
  }
  return handler(req, ctx);
}

// GET and POST are next-auth's; any other method gets the API's JSON 405.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods<{ nextauth: string[] }>({
  GET: handler,
  POST: postWithLockout,
});
