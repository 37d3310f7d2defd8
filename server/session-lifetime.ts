// How long a session cookie lives, in a module of its own: the revocation mirror
// (server/revoked-sessions.ts) needs it too, and server/session-revocation.ts imports the mirror.

/**
 * A session cookie is valid this long after next-auth issued it: at sign-in, or when
 * GET /api/auth/session re-issues it (server components never do; they cannot set cookies).
 */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;
