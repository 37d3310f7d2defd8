// Scenario 7: likes that happen while bob is away reach him exactly once when he is back, whether
// he closed the app or his connection dropped. And he is told he is offline: a banner under the
// header within seconds (the browser's offline event, or the app's heartbeat on the socket), gone
// when the connection is back.
import type { Page, WebSocketRoute } from "@playwright/test";
import { expect, test, type Session, type TestUser } from "./fixtures";
import {
  expectSteady,
  fetchInbox,
  likeButton,
  likeResponse,
  recordToasts,
  recordedToasts,
  waitForRealtime,
} from "./support/ui";

/** Alice likes each of bob's photos through her feed, each request answered before the next. */
async function likeAll(a: Session, posts: TestUser["posts"]) {
  for (const post of posts) {
    const response = likeResponse(a.page, post.id, "PUT");
    await likeButton(a.page, post.id).click();
    expect((await response).status()).toBe(200);
  }
}

/**
 * The badge counts one notification per photo; the inbox page lists each once, naming alice, still
 * new; opening the inbox cleared the badge.
 */
async function expectInboxShowsEachOnce(page: Page, alice: TestUser, bob: TestUser) {
  await expect(page.getByTestId("unread-badge")).toHaveAttribute("data-count", String(bob.posts.length));
  await page.goto("/notifications");
  const items = page.getByTestId("notification-item");
  await expect(items).toHaveCount(bob.posts.length);
  for (const post of bob.posts) {
    const item = page.locator(`[data-testid="notification-item"][data-post-id="${post.id}"]`);
    await expect(item).toHaveCount(1);
    await expect(item).toContainText(`${alice.username} liked your photo`);
    await expect(item).toHaveAttribute("data-unread", "true");
  }
  await expect(page.getByTestId("unread-badge")).toHaveCount(0);
}

/** Toasts naming alice, per photo (a toast's thumbnail is the liked photo). */
async function toastsPerPhoto(page: Page, alice: TestUser, bob: TestUser): Promise<number[]> {
  const toasts = (await recordedToasts(page)).filter((t) => t.text.includes(alice.username));
  return bob.posts.map((post) => toasts.filter((t) => t.images.includes(post.imageUrl)).length);
}

test.describe("while bob is away", () => {
  test("bob closed the app: when he opens it again he sees the three likes once", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 3 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });

    const b = await session(bob);
    await b.page.close(); // the only page: bob's socket is gone, his cookies stay in the context

    const a = await session(alice);
    await likeAll(a, bob.posts);
    // The worker has turned all three into notifications (pushed to nobody).
    await expect.poll(async () => (await fetchInbox(b.request)).unreadCount).toBe(3);

    const page = await b.context.newPage();
    await recordToasts(page);
    await page.goto("/");
    await waitForRealtime(page);
    await expect(page.getByTestId("unread-badge")).toHaveAttribute("data-count", "3");
    // The page rendered with those notifications already known: none is toasted twice (the app
    // toasts none of them: they are not news to a freshly loaded page, the badge says it).
    await expectSteady(
      async () => (await toastsPerPhoto(page, alice, bob)).every((n) => n <= 1),
      true,
      1500,
      "at most one toast per photo",
    );

    await expectInboxShowsEachOnce(page, alice, bob);
  });

  test("bob's connection dropped: on reconnecting he gets each of the three likes exactly once", async ({
    users,
    session,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 3 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });

    // Bob's WebSocket goes through Playwright, so the test can cut it: context.setOffline alone does
    // not close an open WebSocket in Chromium, and Socket.IO's own reaction to the browser's
    // "offline" event is disabled for the host name localhost, which is what the stack serves.
    // While "offline", new connection attempts are held unanswered (like a network that drops
    // packets) and connected to the server when the network is back.
    let offline = false;
    const live: WebSocketRoute[] = [];
    const held: WebSocketRoute[] = [];
    const b = await session(bob, {
      beforeGoto: async (page) => {
        await recordToasts(page);
        await page.routeWebSocket(/\/socket\.io\//, (ws) => {
          if (offline) return void held.push(ws);
          ws.connectToServer();
          live.push(ws);
        });
      },
    });
    const status = b.page.getByTestId("realtime-status");

    const banner = b.page.getByTestId("offline-banner");
    await expect(banner).toHaveCount(0);

    offline = true;
    await b.context.setOffline(true); // fetches fail too: no catch-up through the API meanwhile
    await Promise.all(live.splice(0).map((ws) => ws.close()));
    await expect(status).toHaveAttribute("data-state", "disconnected");
    await expect(banner).toBeVisible({ timeout: 5_000 });

    const a = await session(alice);
    await likeAll(a, bob.posts);
    await expect.poll(async () => (await fetchInbox(b.request)).unreadCount).toBe(3);
    // Nothing reached bob's page meanwhile.
    expect(await toastsPerPhoto(b.page, alice, bob)).toEqual([0, 0, 0]);
    await expect(b.page.getByTestId("unread-badge")).toHaveCount(0);

    // Back online: the attempt Socket.IO made meanwhile (it reconnects by itself) goes through, or
    // its next one does; on connecting, the app catches up through the API.
    offline = false;
    await b.context.setOffline(false);
    for (const ws of held.splice(0)) {
      ws.connectToServer();
      live.push(ws);
    }
    await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect(banner).toHaveCount(0);
    await expect(b.page.getByTestId("unread-badge")).toHaveAttribute("data-count", "3");
    await expect.poll(() => toastsPerPhoto(b.page, alice, bob)).toEqual([1, 1, 1]);
    await expectSteady(() => toastsPerPhoto(b.page, alice, bob), [1, 1, 1], 1500, "one toast per photo");
    await expect(b.page.getByTestId("unread-badge")).toHaveAttribute("data-count", "3");

    await expectInboxShowsEachOnce(b.page, alice, bob);
  });

  test("going offline shows the banner under the header within 5 s, and coming back clears it", async ({
    users,
    session,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const b = await session(bob);
    const banner = b.page.getByTestId("offline-banner");
    await expect(banner).toHaveCount(0);

    await b.context.setOffline(true);
    // A bounded wait, not a stopwatch: the banner must be there within 5 s.
    await expect(banner).toBeVisible({ timeout: 5_000 });
    await expect(banner).toHaveAttribute("data-reason", "offline");
    await expect(banner).toContainText("You're offline");
    await expect(b.page.getByRole("status").filter({ has: banner })).toHaveCount(1);

    await b.context.setOffline(false);
    await expect(banner).toHaveCount(0);
  });

  test("a connection that dies silently (no offline event) is noticed by the heartbeat", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    // Bob's socket goes through Playwright, which can stop passing frames either way: to the page
    // the connection looks open but answers nothing, as on a network that drops packets.
    let silent = false;
    const held: WebSocketRoute[] = [];
    const b = await session(bob, {
      beforeGoto: (page) =>
        page.routeWebSocket(/\/socket\.io\//, (ws) => {
          if (silent) return void held.push(ws);
          const server = ws.connectToServer();
          ws.onMessage((message) => {
            if (!silent) server.send(message);
          });
          server.onMessage((message) => {
            if (!silent) ws.send(message);
          });
        }),
    });
    const banner = b.page.getByTestId("offline-banner");
    const status = b.page.getByTestId("realtime-status");

    silent = true;
    // socket.io's own ping would take 45 s; the heartbeat (every 2 s, 3 s to answer) and the
    // banner's grace (2 s) take about 7. Bounded generously for a slow machine.
    await expect(status).toHaveAttribute("data-state", "disconnected", { timeout: 15_000 });
    await expect(banner).toBeVisible({ timeout: 10_000 });
    await expect(banner).toHaveAttribute("data-reason", "reconnecting");

    silent = false;
    for (const ws of held.splice(0)) {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => ws.send(message));
    }
    await expect(status).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect(banner).toHaveCount(0);
  });
});
