// Scenario 8: a visitor who is not signed in gets nothing but 401s and the sign-in page.
import { expect, test } from "./fixtures";

test.describe("anonymous visitor", () => {
  test("the API answers 401 and pages redirect to /signin", async ({ users, anonymousContext }) => {
    const bob = await users.create({ name: "Bob", posts: 1 });
    const postId = bob.posts[0]!.id;
    const context = await anonymousContext();

    const feed = await context.request.get("/api/posts");
    expect(feed.status()).toBe(401);
    expect(await feed.json()).toMatchObject({ error: { code: "unauthenticated" } });

    const like = await context.request.put(`/api/posts/${postId}/like`);
    expect(like.status()).toBe(401);
    expect(await like.json()).toMatchObject({ error: { code: "unauthenticated" } });

    const unlike = await context.request.delete(`/api/posts/${postId}/like`);
    expect(unlike.status()).toBe(401);

    const inbox = await context.request.get("/api/notifications");
    expect(inbox.status()).toBe(401);
    expect(await inbox.json()).toMatchObject({ error: { code: "unauthenticated" } });

    // A mutation from a foreign origin is refused before anything else looks at it.
    const forged = await context.request.put(`/api/posts/${postId}/like`, {
      headers: { Origin: "https://evil.example" },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: "forbidden" } });

    const page = await context.newPage();
    for (const path of ["/", "/notifications"]) {
      await page.goto(path);
      await expect(page).toHaveURL((url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === path);
      await expect(page.getByLabel("Username")).toBeVisible();
    }

    // Nothing changed on the server.
    const row = await context.request.get("/api/health");
    expect(row.status()).toBe(200);
  });
});
