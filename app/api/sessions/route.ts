// DELETE /api/sessions  "sign out everywhere"  -> {"signedOut":true}
// Ends every session of the signed-in user, in every browser and wherever a copy of a cookie
// lives, this one included, and disconnects all their sockets (server/session-revocation.ts,
// docs/decisions/029-sign-out-everywhere.md). The answer also clears this browser's session
// cookie, so the caller needs no second request to be signed out here.
import { authed, json, methods } from "@/server/api";
import { revokeAllSessions } from "@/server/session-revocation";
import { isSessionCookieName } from "@/server/session-token";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  // No rate limit of its own: each call ends the session that made it, so a second one needs a new
  // sign-in, which is where the limits are (ADR 029 says why a limit here would be worse).
  DELETE: authed(async (req, { user }) => {
    await revokeAllSessions(user.id);
    const response = json({ signedOut: true });
    // Every part of the session cookie this browser sent (next-auth may split it: .0, .1 …), with
    // the attributes next-auth set it with, so the browser drops it rather than keeping a twin.
    for (const { name } of req.cookies.getAll().filter((c) => isSessionCookieName(c.name))) {
      response.cookies.set(name, "", {
        path: "/",
        maxAge: 0,
        httpOnly: true,
        sameSite: "lax",
        secure: name.startsWith("__Secure-"),
      });
    }
    return response;
  }),
});
