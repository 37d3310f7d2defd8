// Who is asking, for pages (server components): next-auth's own session read, through the same
// revocation-checking decode as the API (server/session-revocation.ts). Server components cannot
// set cookies, so this never extends the session. API routes use the lighter server/session-token.ts.
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { connection } from "next/server";
import { signInUrl } from "../shared/routes";
import { authOptions } from "./auth";
import type { SessionUser } from "./session-token";

export type { SessionUser };

/**
 * The signed-in user, read once per request: the root layout and the page both ask, and each read
 * decrypts the cookie and looks up its revocation. React's cache() scopes the answer to one render.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  // A page that reads the session is per-request: never prerender it at build time.
  await connection();
  const session = await getServerSession(authOptions());
  return session?.user?.id ? (session.user as SessionUser) : null;
});

/** For pages: the signed-in user, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(signInUrl(returnTo));
  return user;
}
