import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; username: string; name: string; avatarUrl: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    username?: string;
    /** The session's id, set at sign-in; sign-out revokes it (server/session-revocation.ts). */
    sid?: string;
    /**
     * The user's session generation at sign-in; "sign out everywhere" raises the user's, and a
     * cookie carrying less is refused (server/session-revocation.ts). Absent on older cookies: 0.
     */
    gen?: number;
  }
}
