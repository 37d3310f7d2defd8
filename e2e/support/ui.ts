// Locators and observers for the app's UI contract (data-testid attributes; see docs/testing-e2e.md).
import {
  expect,
  type APIRequestContext,
  type Locator,
  type Page,
  type Response,
  type TestInfo,
} from "@playwright/test";

/** The header's live dot turns data-state="connected" once the socket has joined the user's room. */
export async function waitForRealtime(page: Page): Promise<void> {
  await expect(page.getByTestId("realtime-status")).toHaveAttribute("data-state", "connected");
}

/** Fills and submits the real sign-in form (labels Username and Password, button "Sign in"). */
export async function fillSignInForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** This test's own post: the feed shows everyone's posts, so always target by id. */
export function postCard(page: Page, postId: string): Locator {
  return page.locator(`[data-testid="post-card"][data-post-id="${postId}"]`);
}

export function likeButton(page: Page, postId: string): Locator {
  return postCard(page, postId).getByTestId("like-button");
}

export function likeCount(page: Page, postId: string): Locator {
  return postCard(page, postId).getByTestId("like-count");
}

export async function expectLiked(page: Page, postId: string, liked: boolean, count?: number): Promise<void> {
  await expect(likeButton(page, postId)).toHaveAttribute("aria-pressed", String(liked));
  if (count !== undefined) await expect(likeCount(page, postId)).toHaveAttribute("data-count", String(count));
}

/** Matches the like request for one post (PUT likes, DELETE unlikes). */
export function isLikeRequest(url: string, postId?: string): boolean {
  const path = new URL(url).pathname;
  return postId ? path === `/api/posts/${postId}/like` : /^\/api\/posts\/[^/]+\/like$/.test(path);
}

export function likeResponse(page: Page, postId: string, method: "PUT" | "DELETE"): Promise<Response> {
  return page.waitForResponse((r) => isLikeRequest(r.url(), postId) && r.request().method() === method);
}

/** A toast as it appeared: its text and its images' URLs (the actor's avatar, the liked photo). */
export type ToastRecord = { text: string; images: string[] };

declare global {
  interface Window {
    __e2eToasts?: ToastRecord[];
  }
}

/**
 * Records every toast element the page ever adds (toasts dismiss themselves after a few seconds,
 * so counting what is on screen would undercount). Call before the page navigates: the recorder
 * is an init script, installed again on every load of the page.
 */
export async function recordToasts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: { text: string; images: string[] }[] = [];
    window.__e2eToasts = seen;
    const visit = (node: Node) => {
      if (!(node instanceof Element)) return;
      const toasts = node.matches('[data-testid="toast"]')
        ? [node]
        : Array.from(node.querySelectorAll('[data-testid="toast"]'));
      for (const toast of toasts) {
        const text = (toast.textContent ?? "").replace(/\s+/g, " ").trim();
        const images = Array.from(toast.querySelectorAll("img"), (img) => img.getAttribute("src") ?? "");
        seen.push({ text, images });
      }
    };
    new MutationObserver((mutations) => {
      for (const m of mutations) m.addedNodes.forEach(visit);
    }).observe(document, { childList: true, subtree: true });
  });
}

/** Every toast the page has shown since it loaded (see recordToasts). */
export async function recordedToasts(page: Page): Promise<ToastRecord[]> {
  return page.evaluate(() => window.__e2eToasts ?? []);
}

/** How many toasts mentioning `who` the page has shown since it loaded. */
export async function toastsMentioning(page: Page, who: string): Promise<number> {
  return (await recordedToasts(page)).filter((t) => t.text.includes(who)).length;
}

/**
 * Asserts that `read()` keeps returning `expected` for `ms` milliseconds: for "nothing more arrives"
 * checks, used only after something else has proven the pipeline delivered everything before.
 */
export async function expectSteady<T>(read: () => Promise<T>, expected: T, ms = 1500, message?: string): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    expect((await read()) as unknown, message).toEqual(expected);
    if (Date.now() >= until) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export type NotificationFrame = { id: string; actor: string; postId: string; toast: boolean };

/** Calls `onEvent` with the arguments of each Socket.IO `event` the page's websocket receives. */
function onSocketEvent(page: Page, event: string, onEvent: (args: unknown[]) => void): void {
  page.on("websocket", (ws) => {
    if (!ws.url().includes("/socket.io/")) return;
    ws.on("framereceived", ({ payload }) => {
      const text = typeof payload === "string" ? payload : payload.toString("utf8");
      // Engine.IO message (4) + Socket.IO event (2): 42["notification",{...},{"toast":true}]
      if (!text.startsWith(`42[${JSON.stringify(event)},`)) return;
      try {
        const [, ...args] = JSON.parse(text.slice(2)) as [string, ...unknown[]];
        onEvent(args);
      } catch {
        // not ours
      }
    });
  });
}

/**
 * Records the `notification` events the page's Socket.IO websocket receives: what the server
 * pushed (and whether it asked for a toast), independent of what the UI made of it. Call before
 * the page opens its socket. The array fills as frames arrive.
 */
export function recordNotificationFrames(page: Page): NotificationFrame[] {
  const frames: NotificationFrame[] = [];
  onSocketEvent(page, "notification", ([payload, delivery]) => {
    const n = payload as { id: string; actor: { username: string }; post: { id: string } };
    frames.push({
      id: n.id,
      actor: n.actor.username,
      postId: n.post.id,
      toast: (delivery as { toast?: boolean } | undefined)?.toast === true,
    });
  });
  return frames;
}

/** Records the ids of the `notification:retracted` events the page's websocket receives. */
export function recordRetractionFrames(page: Page): string[] {
  const ids: string[] = [];
  onSocketEvent(page, "notification:retracted", ([payload]) => ids.push((payload as { id: string }).id));
  return ids;
}

export type PostJson = { id: string; likeCount: number; likedByMe: boolean };
export type InboxJson = {
  items: { id: string; actor: { username: string }; post: { id: string }; readAt: string | null }[];
  unreadCount: number;
  unseenCount: number;
};

/** GET /api/posts/:id as the request's user. */
export async function fetchPost(request: APIRequestContext, postId: string): Promise<PostJson> {
  const response = await request.get(`/api/posts/${postId}`);
  expect(response.status(), `GET /api/posts/${postId}`).toBe(200);
  return (await response.json()) as PostJson;
}

/** GET /api/notifications as the request's user. */
export async function fetchInbox(request: APIRequestContext): Promise<InboxJson> {
  const response = await request.get("/api/notifications?limit=100");
  expect(response.status(), "GET /api/notifications").toBe(200);
  return (await response.json()) as InboxJson;
}

/** PUT (like) or DELETE (unlike) through the API, as the request's user. */
export async function setLikeViaApi(
  request: APIRequestContext,
  postId: string,
  liked: boolean,
): Promise<{ liked: boolean; likeCount: number }> {
  const response = liked
    ? await request.put(`/api/posts/${postId}/like`)
    : await request.delete(`/api/posts/${postId}/like`);
  expect(response.status(), `${liked ? "PUT" : "DELETE"} /api/posts/${postId}/like`).toBe(200);
  return (await response.json()) as { liked: boolean; likeCount: number };
}

/**
 * A screenshot kept with the test's results: written to test-results/e2e/<test>/<name>.png and
 * attached to the test (reports link it; the JSON report holds its path, not the image).
 */
export async function attachScreenshot(testInfo: TestInfo, name: string, target: Page | Locator): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path, animations: "disabled" });
  await testInfo.attach(name, { path, contentType: "image/png" });
}
