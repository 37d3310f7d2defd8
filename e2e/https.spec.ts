// Scenario 9: the same like, end to end, through nginx's TLS listener (self-signed certificate).
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test, type TestUser } from "./fixtures";
import { expectLiked, fillSignInForm, likeButton, likeResponse, waitForRealtime } from "./support/ui";

async function signInWithForm(context: BrowserContext, user: TestUser): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL((url) => url.protocol === "https:" && url.pathname === "/signin");
  await fillSignInForm(page, user.username, user.password);
  await expect(page).toHaveURL((url) => url.protocol === "https:" && url.pathname === "/");
  return page;
}

test.describe("over HTTPS", () => {
  test("sign in, like, and bob's toast arrives over wss", async ({ users, session, anonymousContext }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;

    const b = await session(bob, { https: true });
    expect(new URL(b.page.url()).protocol).toBe("https:");

    const context = await anonymousContext({ https: true });
    const sockets: string[] = [];
    context.on("page", (page) => page.on("websocket", (ws) => sockets.push(ws.url())));
    const page = await signInWithForm(context, alice);
    await waitForRealtime(page);
    expect(sockets.length, "a socket was opened").toBeGreaterThan(0);
    expect(
      sockets.every((url) => url.startsWith("wss://")),
      `socket URLs: ${sockets.join(", ")}`,
    ).toBe(true);
    // The page came over HTTP/2 (nginx's TLS listener); the socket above still uses HTTP/1.1.
    const protocol = await page.evaluate(
      () => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).nextHopProtocol,
    );
    expect(protocol).toBe("h2");

    const response = likeResponse(page, postId, "PUT");
    await likeButton(page, postId).click();
    await expectLiked(page, postId, true, 1);
    expect((await response).status()).toBe(200);

    await expect(b.page.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();
    await expect(b.page.getByTestId("unread-badge")).toHaveAttribute("data-count", "1");
  });

  test("the session cookie is __Secure-next-auth.session-token, Secure and HttpOnly", async ({
    users,
    anonymousContext,
  }) => {
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const context = await anonymousContext({ https: true });
    await signInWithForm(context, alice);

    const sessionCookies = (await context.cookies()).filter((c) => c.name.endsWith("next-auth.session-token"));
    expect(sessionCookies.map((c) => c.name)).toEqual(["__Secure-next-auth.session-token"]);
    expect(sessionCookies[0]).toMatchObject({ secure: true, httpOnly: true });
  });
});
