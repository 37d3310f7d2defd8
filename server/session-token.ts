// Decoding the next-auth session cookie without the rest of next-auth: used where only "who is
// this?" matters and speed does, the API routes and the Socket.IO handshake. It decrypts the JWT
// (next-auth's getToken) but, unlike getServerSession, does not re-issue the cookie.
import { getToken } from "next-auth/jwt";
import { env } from "./env";

export type SessionUser = { id: string; username: string; name: string; avatarUrl: string };

const SECURE_PREFIX = "__Secure-next-auth.session-token";

export async function sessionUserFromCookies(cookies: Record<string, string>): Promise<SessionUser | null> {
  // Behind TLS next-auth names the cookie with the __Secure- prefix (and may chunk it: .0, .1 …).
  const secureCookie = Object.keys(cookies).some((name) => name.startsWith(SECURE_PREFIX));
  // next-auth v4's getToken reads req.cookies, not the raw header: hand it the parsed cookies.
  const token = await getToken({ req: { headers: {}, cookies } as never, secret: env().NEXTAUTH_SECRET, secureCookie });
  if (typeof token?.sub !== "string") return null;
  return { id: token.sub, username: token.username ?? "", name: token.name ?? "", avatarUrl: token.picture ?? "" };
}
