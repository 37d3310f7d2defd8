// The app's page URLs in one place, so links and redirects cannot drift apart. Shared by the
// server (redirects to sign-in) and the browser (links, the sign-in page's way back).

export const postPath = (postId: string) => `/p/${encodeURIComponent(postId)}`;

export const profilePath = (username: string) => `/u/${encodeURIComponent(username)}`;

export const NEW_POST_PATH = "/new";

// Where to go after signing in: only a path on this site ("/notifications"), never another origin
// ("//evil.example", "https://…", "/\\evil"), so the sign-in page cannot be used as an open redirect.
export function safeCallbackUrl(raw: string | string[] | null | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if ([...value].some((c) => c.charCodeAt(0) < 0x20)) return "/"; // no control characters in a URL
  if (value === "/signin" || value.startsWith("/signin?") || value.startsWith("/signin/")) return "/"; // no loop back here
  return value;
}

/** The sign-in page, coming back to `returnTo` (a path on this site) afterwards. */
export function signInUrl(returnTo: string): string {
  return `/signin?callbackUrl=${encodeURIComponent(returnTo)}`;
}
