// next-auth's credentials sign-in, as the browser's signIn() runs it: a CSRF token from
// /api/auth/csrf, then the form to /api/auth/callback/credentials. Written once for the two kinds
// of client that sign in: the HTTP client (tooling/api-client.ts: tests, bench, bots) and a
// Playwright browser context (the e2e fixtures, the bench's browser case), whose cookie jar is
// the browser's own.
import type { APIResponse, BrowserContext } from "@playwright/test";

/** The session cookie: next-auth.session-token, or __Secure-next-auth.session-token behind TLS. */
export const isSessionCookie = (name: string): boolean => name.endsWith("next-auth.session-token");

/** The two requests of the flow, sent by whichever client signs in. */
export type SignInRequests<Answer> = {
  /** A GET: its status, its body parsed as JSON (null when it is not JSON), and the answer itself. */
  getJson(path: string): Promise<{ status: number; body: unknown; answer: Answer }>;
  /** A POST of an application/x-www-form-urlencoded form. */
  postForm(path: string, form: Record<string, string>): Promise<Answer>;
};

/**
 * Signs in as `username`. Resolves with the credentials callback's answer, or with the CSRF
 * request's when that brought no token (a 429 or 503 from the edge), so the caller sees why.
 */
export async function signInWithCredentials<Answer>(
  requests: SignInRequests<Answer>,
  username: string,
  password: string,
): Promise<Answer> {
  const csrf = await requests.getJson("/api/auth/csrf");
  const csrfToken = (csrf.body as { csrfToken?: unknown } | null)?.csrfToken;
  if (csrf.status !== 200 || typeof csrfToken !== "string") return csrf.answer;
  return requests.postForm("/api/auth/callback/credentials", { csrfToken, username, password, json: "true" });
}

/** Signs a browser context in through the API: the session cookie lands in the browser's jar. */
export function signInBrowserContext(
  context: BrowserContext,
  baseURL: string,
  username: string,
  password: string,
): Promise<APIResponse> {
  const url = (pathname: string) => new URL(pathname, baseURL).toString();
  return signInWithCredentials<APIResponse>(
    {
      async getJson(pathname) {
        const answer = await context.request.get(url(pathname));
        return { status: answer.status(), body: await answer.json().catch(() => null), answer };
      },
      postForm: (pathname, form) => context.request.post(url(pathname), { form }),
    },
    username,
    password,
  );
}
