// next-auth's own endpoints (/api/auth/csrf, /callback/credentials, /session, /signout …).
// Sign-in attempts for a username that has failed too often are refused here with 429 before
// next-auth sees them; failures are counted in server/auth.ts.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { errorResponse, requestOrigin } from "@/server/api";
import { authOptions, signinBlockedFor } from "@/server/auth";

type Ctx = { params: Promise<{ nextauth: string[] }> };

function handler(req: NextRequest, ctx: Ctx) {
  return NextAuth(authOptions())(req, ctx);
}

async function POST(req: NextRequest, ctx: Ctx) {
  if (req.nextUrl.pathname.endsWith("/callback/credentials")) {
    const form = await req.clone().formData().catch(() => null);
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

export { handler as GET, POST };
