// The HTTP client of the tests, the bench and the bots: it talks to the API as one browser does,
// with a cookie jar, JSON in and out and redirects left unfollowed, and signs in and out through
// next-auth's own endpoints.
import { CookieJar } from "./cookie-jar";
import { isSessionCookie, signInWithCredentials } from "./sign-in";

/** An answer with its body parsed as JSON, or left as text when it is not JSON. */
export type ApiResponse<T = any> = { status: number; body: T; headers: Headers };

export type ApiClientOptions = {
  /** Sent with every request (the client's own cookie and per-request headers come on top). */
  headers?: Record<string, string>;
  /** How long one request may take before fetch gives up on it; default: no limit. */
  timeoutMs?: number;
};

const FORM = { "content-type": "application/x-www-form-urlencoded" };

export class ApiClient {
  readonly cookies = new CookieJar();

  constructor(
    readonly baseUrl: string,
    private readonly options: ApiClientOptions = {},
  ) {}

  /** Signs in as `username`, or fails with the answer that refused it. */
  static async signedIn(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const client = new ApiClient(baseUrl);
    const response = await client.signIn(username, password);
    if (!client.isSignedIn())
      throw new Error(`sign-in failed for ${username}: ${response.status} ${await response.text()}`);
    return client;
  }

  cookieHeader(): string {
    return this.cookies.header();
  }

  async raw(
    method: string,
    pathname: string,
    init: { body?: string | FormData; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const response = await fetch(new URL(pathname, this.baseUrl), {
      method,
      redirect: "manual",
      body: init.body,
      headers: {
        ...this.options.headers,
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...init.headers,
      },
      signal: this.options.timeoutMs ? AbortSignal.timeout(this.options.timeoutMs) : undefined,
    });
    this.cookies.remember(response.headers);
    return response;
  }

  async request<T = any>(
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await this.raw(method, pathname, {
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    });
    return ApiClient.answer<T>(response);
  }

  private static async answer<T>(response: Response): Promise<ApiResponse<T>> {
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // left as text: the caller will say what it got
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get = <T = any>(p: string) => this.request<T>("GET", p);
  put = <T = any>(p: string, body?: unknown) => this.request<T>("PUT", p, body);
  delete = <T = any>(p: string) => this.request<T>("DELETE", p);
  post = <T = any>(p: string, body?: unknown) => this.request<T>("POST", p, body);

  /** POST multipart/form-data, as a browser's FormData upload does (fetch writes the boundary). */
  async postForm<T = any>(
    pathname: string,
    form: FormData,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return ApiClient.answer<T>(await this.raw("POST", pathname, { body: form, headers }));
  }

  /** next-auth's credentials flow (tooling/sign-in.ts); the session cookie lands in this jar. */
  signIn(username: string, password: string): Promise<Response> {
    return signInWithCredentials<Response>(
      {
        getJson: async (pathname) => {
          const response = await this.raw("GET", pathname);
          const text = await response.text();
          let body: unknown = null;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: no token in it
          }
          // The body is read; the caller gets an answer it can still read.
          const { status, statusText, headers } = response;
          return { status, body, answer: new Response(text || null, { status, statusText, headers }) };
        },
        postForm: (pathname, form) =>
          this.raw("POST", pathname, { body: new URLSearchParams(form).toString(), headers: FORM }),
      },
      username,
      password,
    );
  }

  /** next-auth's sign-out: a CSRF token, then POST /api/auth/signout, as the browser's signOut() does. */
  async signOut(): Promise<Response> {
    const csrf = await this.request<{ csrfToken: string }>("GET", "/api/auth/csrf");
    return this.raw("POST", "/api/auth/signout", {
      body: new URLSearchParams({ csrfToken: csrf.body.csrfToken, json: "true" }).toString(),
      headers: FORM,
    });
  }

  /**
   * Another client holding a copy of this one's cookies: a stolen or leftover session cookie, or
   * the same browser reaching another app instance (`baseUrl`).
   */
  copy(baseUrl = this.baseUrl): ApiClient {
    const other = new ApiClient(baseUrl, this.options);
    for (const [name, value] of this.cookies) other.cookies.set(name, value);
    return other;
  }

  isSignedIn(): boolean {
    return [...this.cookies.keys()].some(isSessionCookie);
  }
}
