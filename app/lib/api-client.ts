// The browser's API client: same-origin fetch with the session cookie, JSON in and out, and one
// error type that carries what the UI needs to explain a failure (status, stable code, message,
// Retry-After). Every API error body is {"error":{"code","message"}}.
import type {
  DeletedPost,
  InboxCounts,
  LikeResult,
  LikerPage,
  NotificationPage,
  Post,
  PostPage,
  SignedOutEverywhere,
} from "@/shared/api";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from the Retry-After header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The request never got an HTTP answer: offline, server down, connection reset. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super("Couldn't reach the server.", { cause });
    this.name = "NetworkError";
  }
}

/**
 * What one caller adds to one request, without the client knowing why: headers to send, and a look
 * at the answer (its headers) or at the failure. The journey layer traces likes with it
 * (app/lib/journey/like.ts).
 */
export type RequestObserver = {
  headers?: Record<string, string>;
  /** A 2xx answer whose body has been read. */
  answered?(response: Response): void;
  /** No answer, an error answer, or a body that was not JSON: what the caller is about to get. */
  failed?(error: unknown): void;
};

type RequestOptions = { keepalive?: boolean; observe?: RequestObserver };

async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const { observe } = opts;
  let answer: { result: T; response: Response };
  try {
    answer = await send<T>(method, path, body, opts);
  } catch (error) {
    observe?.failed?.(error);
    throw error;
  }
  observe?.answered?.(answer.response);
  return answer.result;
}

async function send<T>(
  method: string,
  path: string,
  body: unknown,
  opts: RequestOptions,
): Promise<{ result: T; response: Response }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      // Relative URLs only: the cookie goes with every request, and only to this origin.
      credentials: "same-origin",
      cache: "no-store",
      // Survives the page navigating away (opening a notification marks it read on the way out).
      keepalive: opts.keepalive,
      // A form (a photo) goes as multipart/form-data: fetch writes that Content-Type, with its boundary.
      headers: {
        ...opts.observe?.headers,
        ...(body === undefined || body instanceof FormData
          ? { Accept: "application/json" }
          : { Accept: "application/json", "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) throw await toApiError(response);
  return { result: (await response.json()) as T, response };
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get("Retry-After"));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : null;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === "string" && typeof message === "string") {
      return new ApiError(response.status, code, message, retryAfterSeconds);
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall through to a generic description.
  }
  return new ApiError(response.status, "http_error", `The server answered ${response.status}.`, retryAfterSeconds);
}

const query = (params: Record<string, string | number | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};

/** Photos per page on a profile (the server render uses it too). */
export const USER_POSTS_PAGE_SIZE = 30;

export const api = {
  /** PUT likes, DELETE unlikes; both are idempotent and answer the post's confirmed like state. */
  setLike: (postId: string, liked: boolean, observe?: RequestObserver) =>
    request<LikeResult>(liked ? "PUT" : "DELETE", `/api/posts/${encodeURIComponent(postId)}/like`, undefined, {
      observe,
    }),

  /** Posts a photo: a form with `photo` (the file) and `caption`. Answers the new post. */
  createPost: (form: FormData) => request<Post>("POST", "/api/posts", form),

  getPost: (postId: string) => request<Post>("GET", `/api/posts/${encodeURIComponent(postId)}`),

  /** Deletes the viewer's own post (403 for anyone else's, 404 once gone). */
  deletePost: (postId: string) => request<DeletedPost>("DELETE", `/api/posts/${encodeURIComponent(postId)}`),

  listPosts: (cursor: string | null, limit = 10) => request<PostPage>("GET", `/api/posts${query({ limit, cursor })}`),

  listNotifications: (opts: { cursor?: string | null; limit?: number } = {}) =>
    request<NotificationPage>("GET", `/api/notifications${query({ limit: opts.limit, cursor: opts.cursor })}`),

  markNotificationsRead: (which: { all: true } | { ids: string[] }) =>
    request<InboxCounts>("POST", "/api/notifications/read", which, { keepalive: true }),

  /** The inbox is open: clears the bell's badge; every item keeps its own read state. */
  markNotificationsSeen: () => request<InboxCounts>("POST", "/api/notifications/seen"),

  /** One person's photos, newest first (their profile's "Load more"). */
  listUserPosts: (username: string, opts: { cursor?: string | null; limit?: number } = {}) =>
    request<PostPage>(
      "GET",
      `/api/users/${encodeURIComponent(username)}/posts${query({ limit: opts.limit, cursor: opts.cursor })}`,
    ),

  /** Ends every session of the signed-in user, in every browser; the answer clears this one's cookie. */
  signOutEverywhere: () => request<SignedOutEverywhere>("DELETE", "/api/sessions"),

  /** Who likes a post, newest first. */
  listLikers: (postId: string, opts: { cursor?: string | null; limit?: number } = {}) =>
    request<LikerPage>(
      "GET",
      `/api/posts/${encodeURIComponent(postId)}/likes${query({ limit: opts.limit, cursor: opts.cursor })}`,
    ),
};

/** 502, 503, 504: nginx answered but no app instance did (a deploy, a restart). Usually brief. */
function isRestarting(error: ApiError): boolean {
  return error.status === 502 || error.status === 503 || error.status === 504;
}

/**
 * One sentence for any failed request, for showing next to what failed: what happened and what to
 * do about it. The server's own message is used only where it is written for people (4xx); a 5xx
 * or a proxy's page says nothing a reader can act on.
 */
export function describeApiError(error: unknown): string {
  if (error instanceof NetworkError) return "Couldn't reach Likes — check your connection and try again.";
  if (error instanceof ApiError) {
    if (error.status === 401) return "Your session expired — sign in again.";
    if (error.status === 429) {
      return error.retryAfterSeconds !== null
        ? `Too many requests — try again in ${error.retryAfterSeconds} s.`
        : "Too many requests — try again in a moment.";
    }
    if (isRestarting(error)) return "Likes is restarting — try again in a few seconds.";
    if (error.status >= 500) return "Likes hit a problem on its side — try again in a moment.";
    return error.message;
  }
  return "Something unexpected happened — reload the page and try again.";
}

/**
 * One sentence for a failed like/unlike, shown inline under the post. `liked` is what the request
 * asked for: the sentence says which change was not saved, since the heart has just rolled back.
 */
export function describeLikeError(error: unknown, liked = true): string {
  const lost = liked ? "your like wasn't saved" : "your unlike wasn't saved";
  if (error instanceof NetworkError) return `Couldn't reach Likes — check your connection; ${lost}.`;
  if (error instanceof ApiError) {
    if (error.status === 429) {
      return error.retryAfterSeconds !== null
        ? `You're liking too fast — try again in ${error.retryAfterSeconds} s.`
        : "You're liking too fast — try again in a few seconds.";
    }
    if (error.status === 404) return "This photo was deleted — it can't be liked any more.";
    if (isRestarting(error)) return `Likes is restarting — try again in a few seconds; ${lost}.`;
    if (error.status >= 500) return `Likes hit a problem on its side — try again in a moment; ${lost}.`;
  }
  return describeApiError(error);
}
