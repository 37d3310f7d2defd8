// GET /api/users/:username/posts for the profile's "Load more". It belongs in api-client.ts as
// api.listUserPosts; it lives here only while that file is being changed on another branch.
// Same conventions: same-origin with the cookie, no cache, and failures as ApiError/NetworkError so
// describeApiError() explains them.
import type { PostPage } from "@/types/api";
import { ApiError, NetworkError } from "./api-client";

/** Photos per page on a profile (the server render uses it too). */
export const USER_POSTS_PAGE_SIZE = 30;

export async function listUserPosts(username: string, opts: { cursor: string | null; limit: number }): Promise<PostPage> {
  const search = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.cursor) search.set("cursor", opts.cursor);
  let response: Response;
  try {
    response = await fetch(`/api/users/${encodeURIComponent(username)}/posts?${search}`, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (response.ok) return (await response.json()) as PostPage;
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const { code, message } = body?.error ?? {};
  throw typeof code === "string" && typeof message === "string"
    ? new ApiError(response.status, code, message)
    : new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
}
