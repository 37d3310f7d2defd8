// A post's own page (/p/:id), a person's profile (/u/:username), the links between them, and the
// branded 404 page for anything that does not exist.
import { randomBytes } from "node:crypto";
import { expect, test } from "./fixtures";
import { expectLiked, likeButton, likeCount, postCard, setLikeViaApi } from "./support/ui";

test.describe("post page", () => {
  test("renders on the server, and its count follows other people's likes live", async ({ users, session, db }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const postId = bob.posts[0]!.id;
    const caption = `Harbour at dawn ${randomBytes(4).toString("hex")}`;
    await db.post.update({ where: { id: postId }, data: { caption } });

    // The HTML as it leaves the server, before any script runs.
    const c = await session(carol, { path: null });
    const response = await c.request.get(`/p/${postId}`);
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain(caption);
    expect(html).toContain(`data-post-id="${postId}"`);
    expect(html).toContain(`Photo by ${bob.name}`);

    await c.page.goto(`/p/${postId}`);
    await expect(c.page).toHaveTitle(`@${bob.username}'s photo · Likes`);
    const card = postCard(c.page, postId);
    await expect(card).toContainText(caption);
    await expect(card.getByTestId("author-link")).toHaveAttribute("href", `/u/${bob.username}`);
    await expectLiked(c.page, postId, false, 0);
    await expect(c.page.getByTestId("realtime-status")).toHaveAttribute("data-state", "connected");

    // Alice, in her own browser, likes and unlikes: carol's page follows without reloading.
    const a = await session(alice, { path: null });
    await setLikeViaApi(a.request, postId, true);
    await expect(likeCount(c.page, postId)).toHaveAttribute("data-count", "1");
    await likeButton(c.page, postId).click();
    await expectLiked(c.page, postId, true, 2);
    await setLikeViaApi(a.request, postId, false);
    await expectLiked(c.page, postId, true, 1);
  });

  test("an unknown or malformed post id, or any unknown URL, is the branded 404 page with status 404", async ({
    users,
    session,
  }) => {
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const c = await session(carol, { path: null });
    const unknownButPlausible = `c${randomBytes(12).toString("hex")}`;
    for (const path of [
      `/p/${unknownButPlausible}`,
      "/p/not-a-real-id-123",
      "/p/bad!id",
      `/nothing-here-${unknownButPlausible}`,
    ]) {
      expect((await c.request.get(path)).status(), `GET ${path}`).toBe(404);
      const response = await c.page.goto(path);
      expect(response?.status(), `page ${path}`).toBe(404);
      const notFound = c.page.getByTestId("not-found");
      await expect(notFound.getByRole("heading", { level: 1 })).toHaveText("This page doesn't exist");
      await expect(notFound.getByRole("link", { name: "Back to the feed" })).toHaveAttribute("href", "/");
      await expect(c.page).toHaveTitle("Page not found · Likes");
    }
  });
});

test.describe("profile", () => {
  test("shows who, their photo count, likes received, and a grid of their photos newest first", async ({
    users,
    session,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 3 }); // posts[2] is the newest
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const [first, second, third] = bob.posts.map((p) => p.id);
    const a = await session(alice, { path: null });
    const c = await session(carol, { path: null });
    await setLikeViaApi(a.request, first!, true);
    await setLikeViaApi(a.request, third!, true);
    await setLikeViaApi(c.request, third!, true);

    await a.page.goto(`/u/${bob.username}`);
    await expect(a.page).toHaveTitle(`${bob.name} (@${bob.username}) · Likes`);
    const header = a.page.getByTestId("profile-header");
    await expect(header.getByRole("heading", { level: 1 })).toHaveText(bob.name);
    await expect(header).toContainText(`@${bob.username}`);
    await expect(header.getByTestId("profile-post-count")).toHaveAttribute("data-count", "3");
    await expect(header.getByTestId("profile-post-count")).toHaveText("3 posts");
    await expect(header.getByTestId("profile-likes-received")).toHaveAttribute("data-count", "3");

    const tiles = a.page.getByTestId("profile-post");
    await expect(tiles).toHaveCount(3);
    const shown = await tiles.evaluateAll((links) =>
      links.map((l) => ({
        id: l.getAttribute("data-post-id"),
        count: l.getAttribute("data-count"),
        href: l.getAttribute("href"),
        text: l.textContent,
      })),
    );
    // The count shows as a number; " likes" is there for screen readers (visually hidden).
    expect(shown).toEqual([
      { id: third, count: "2", href: `/p/${third}`, text: "2 likes" },
      { id: second, count: "0", href: `/p/${second}`, text: "0 likes" },
      { id: first, count: "1", href: `/p/${first}`, text: "1 like" },
    ]);

    await tiles.first().click();
    await expect(a.page).toHaveURL(`/p/${third}`);
    await expectLiked(a.page, third!, true, 2);

    // The API behind the grid's "Load more".
    const api = await a.request.get(`/api/users/${bob.username}/posts?limit=2`);
    expect(api.status()).toBe(200);
    const page = (await api.json()) as {
      items: { id: string; likeCount: number; likedByMe: boolean }[];
      nextCursor: string | null;
    };
    expect(page.items.map((p) => [p.id, p.likeCount, p.likedByMe])).toEqual([
      [third, 2, true],
      [second, 0, false],
    ]);
    const rest = await a.request.get(`/api/users/${bob.username}/posts?limit=2&cursor=${page.nextCursor}`);
    expect(((await rest.json()) as { items: { id: string }[]; nextCursor: null }).items.map((p) => p.id)).toEqual([
      first,
    ]);
  });

  test("unknown usernames: the 404 page, and the API's JSON 404", async ({ users, session }) => {
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    const c = await session(carol, { path: null });
    const nobody = `nobody_${randomBytes(6).toString("hex")}`;

    const response = await c.page.goto(`/u/${nobody}`);
    expect(response?.status()).toBe(404);
    await expect(c.page.getByTestId("not-found")).toBeVisible();
    await expect(c.page).toHaveTitle("Page not found · Likes");

    for (const username of [nobody, "x".repeat(33)]) {
      const api = await c.request.get(`/api/users/${username}/posts`);
      expect(api.status(), username).toBe(404);
      expect(await api.json()).toEqual({ error: { code: "not_found", message: "User not found" } });
    }
  });

  test("more than 30 photos: 30, then the rest after Load more", async ({ users, session, db }) => {
    const dana = await users.create({ name: "Dana Kim", posts: 0 });
    const carol = await users.create({ name: "Carol Nguyen", posts: 0 });
    // Back-dated: 31 new photos must not push other tests' photos off the feed's first page.
    const longAgo = Date.UTC(2020, 0, 1);
    await db.post.createMany({
      data: Array.from({ length: 31 }, (_, i) => ({
        authorId: dana.id,
        imageUrl: "/seed/posts/alice-1.svg",
        caption: `Old photo ${i + 1}`,
        createdAt: new Date(longAgo + i * 60_000),
      })),
    });
    const newestFirst = (
      await db.post.findMany({ where: { authorId: dana.id }, orderBy: { createdAt: "desc" }, select: { id: true } })
    ).map((p) => p.id);

    const c = await session(carol, { path: `/u/${dana.username}` });
    const tiles = c.page.getByTestId("profile-post");
    await expect(tiles).toHaveCount(30);
    await c.page.getByTestId("profile-more").click();
    await expect(tiles).toHaveCount(31);
    expect(await tiles.evaluateAll((links) => links.map((l) => l.getAttribute("data-post-id")))).toEqual(newestFirst);
    await expect(c.page.getByTestId("profile-more")).toHaveCount(0);
  });
});

test.describe("links to profiles", () => {
  test("an author's name on a feed card, and the header's own profile link", async ({ users, session }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const a = await session(alice);

    await postCard(a.page, bob.posts[0]!.id).getByTestId("author-link").getByText(bob.name).click();
    await expect(a.page).toHaveURL(`/u/${bob.username}`);
    await expect(a.page.getByTestId("profile-header")).toHaveAttribute("data-username", bob.username);

    const own = a.page.getByRole("link", { name: `Your profile: ${alice.username}` });
    await own.click();
    await expect(a.page).toHaveURL(`/u/${alice.username}`);
    await expect(own).toHaveAttribute("aria-current", "page");
    await expect(a.page.getByTestId("profile-post-count")).toHaveAttribute("data-count", "0");
  });
});

test.describe("signed out", () => {
  test("post and profile pages send to sign-in and back; the profile API answers 401", async ({
    users,
    anonymousContext,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const context = await anonymousContext();

    const api = await context.request.get(`/api/users/${bob.username}/posts`);
    expect(api.status()).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: "unauthenticated" } });

    const page = await context.newPage();
    for (const path of [`/p/${bob.posts[0]!.id}`, `/u/${bob.username}`]) {
      await page.goto(path);
      await expect(page).toHaveURL((url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === path);
    }
  });
});
