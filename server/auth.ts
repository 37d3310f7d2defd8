// Authentication: next-auth v4, username + password against argon2id hashes, JWT sessions
// (the Credentials provider requires them). Failed sign-ins per username are counted in Redis;
// the auth route refuses with 429 once a username has failed too often (app/api/auth/...).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "./db";
import { env } from "./env";
import { log } from "./log";
import { dummyHash, verifyPassword } from "./password";
import { hitOrAllow, peek, reset } from "./rate-limit";
import { decodeLiveSession, newSessionId, revokeSession, SESSION_MAX_AGE_SECONDS } from "./session-revocation";

const credentialsSchema = z.object({
  username: z.string().trim().toLowerCase().min(1).max(32),
  password: z.string().min(1).max(256),
});

export const signinThrottleKey = (username: string) => `signin:${username.trim().toLowerCase()}`;

/** Seconds until this username may try again, or 0 when it may try now. */
export async function signinBlockedFor(username: string): Promise<number> {
  try {
    const { count, retryAfterSeconds } = await peek(signinThrottleKey(username));
    return count >= env().SIGNIN_MAX_FAILURES ? retryAfterSeconds : 0;
  } catch {
    return 0; // Redis away: sign-in still works, unthrottled, and health says why
  }
}

export function authOptions(): NextAuthOptions {
  const e = env();
  return {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    // A signed-out session's cookie decodes to nothing, wherever a copy of it is replayed.
    jwt: { decode: decodeLiveSession },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Username and password",
        credentials: {
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { username, password } = parsed.data;
          const user = await db().user.findUnique({ where: { username } });
          const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
          if (!user || !ok) {
            await hitOrAllow(signinThrottleKey(username), e.SIGNIN_MAX_FAILURES, e.SIGNIN_LOCKOUT_SECONDS * 1000);
            log.info({ username }, "sign-in failed");
            return null;
          }
          await reset(signinThrottleKey(username)).catch(() => undefined);
          return {
            id: user.id,
            name: user.name,
            username: user.username,
            image: user.avatarUrl,
            sessionGeneration: user.sessionGeneration,
          };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          // Sign-in: a new session. Re-issued cookies keep these claims.
          const signedIn = user as unknown as { username: string; sessionGeneration: number };
          token.sub = user.id;
          token.username = signedIn.username;
          token.sid = newSessionId();
          // Read with the password hash, so it costs no query: "sign out everywhere" raises it.
          token.gen = signedIn.sessionGeneration;
        }
        return token;
      },
      session({ session, token }) {
        session.user = {
          id: token.sub!,
          username: token.username as string,
          name: token.name ?? "",
          avatarUrl: token.picture ?? "",
        };
        return session;
      },
    },
    events: {
      // POST /api/auth/signout, after next-auth decoded the cookie and before it clears it.
      async signOut({ token }) {
        if (token?.sid && token.sub) await revokeSession(token.sid, token.sub);
      },
    },
    logger: {
      error: (code, metadata) =>
        code === "JWT_SESSION_ERROR"
          ? // A cookie that no longer decodes: expired, from an old secret, or signed out. Not ours to fix.
            log.info({ code }, "session cookie refused")
          : log.error({ code, metadata }, "next-auth error"),
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
  };
}
