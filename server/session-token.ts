// Decoding the next-auth session cookie without the rest of next-auth: used where only "who is
// this?" matters and speed does, the API routes and the Socket.IO handshake. It decrypts the JWT
// (next-auth's getToken) and checks the session was not signed out.
import { getToken } from "next-auth/jwt";
import { env } from "./env";
import { decodeLiveSession } from "./session-revocation";

export type SessionUser = { id: string; username: string; name: string; avatarUrl: string };
export type Session = { user: SessionUser; sessionId: string };

const SECURE_PREFIX = "__Secure-next-auth.session-token";

/** next-auth's session cookie, over HTTP or HTTPS, whole or one of its chunks (.0, .1 …). */
export const isSessionCookieName = (name: string): boolean =>
  /^(__Secure-)?next-auth\.session-token(\.\d+)?$/.test(name);

export async function sessionFromCookies(cookies: Record<string, string>): Promise<Session | null> {
  // Behind TLS next-auth names the cookie with the __Secure- prefix (and may chunk it: .0, .1 …).
  const secureCookie = Object.keys(cookies).some((name) => name.startsWith(SECURE_PREFIX));
  // next-auth v4's getToken reads req.cookies, not the raw header: hand it the parsed cookies.
  const token = await getToken({
    req: { headers: {}, cookies } as never,
    secret: env().NEXTAUTH_SECRET,
    secureCookie,
    decode: decodeLiveSession,
  });
  if (!token) return null; // decodeLiveSession guarantees sub and sid on what it returns
  return {
    user: { id: token.sub!, username: token.username ?? "", name: token.name ?? "", avatarUrl: token.picture ?? "" },
    sessionId: token.sid!,
  };
}

export async function sessionUserFromCookies(cookies: Record<string, string>): Promise<SessionUser | null> {
  return (await sessionFromCookies(cookies))?.user ?? null;
}
