// Scenario 1: signing in through the real form, a wrong password, signing out, and protected pages
// that send you to /signin and back to where you were going.
import type { Page } from "@playwright/test";
import { expect, test, type TestUser } from "./fixtures";
import { fillSignInForm, postCard, waitForRealtime } from "./support/ui";

function expectSignInRedirect(page: Page, callbackUrl: string) {
  return expect(page).toHaveURL(
    (url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === callbackUrl,
  );
}

async function expectSignedInAs(page: Page, user: TestUser) {
  await expect(page.getByTestId("current-user")).toHaveText(user.username);
  await waitForRealtime(page);
}

test.describe("signing in and out", () => {
  test("the sign-in form, a wrong password, sign-out, and the way back to a protected page", async ({
    users,
    anonymousContext,
  }) => {
    const user = await users.create({ name: "Alice Martin", posts: 1 });
    const page = await (await anonymousContext()).newPage();

    // A protected page sends a signed-out visitor to the form, remembering where they were going.
    await page.goto("/notifications");
    await expectSignInRedirect(page, "/notifications");

    // A wrong password: an error on the form, still signed out.
    await fillSignInForm(page, user.username, `${user.password}-wrong`);
    await expect(page.getByTestId("signin-error")).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname === "/signin");
    await expect(page.getByTestId("current-user")).toHaveCount(0);

    // The right one: back to the page asked for, signed in, live updates on.
    await fillSignInForm(page, user.username, user.password);
    await expect(page).toHaveURL((url) => url.pathname === "/notifications");
    await expectSignedInAs(page, user);
    await expect(page.getByTestId("signin-error")).toHaveCount(0);

    // Signing out lands on the sign-in page, and the session is gone.
    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL((url) => url.pathname === "/signin");
    await expect(page.getByLabel("Username", { exact: true })).toBeVisible();
    expect((await page.request.get("/api/posts")).status()).toBe(401);

    // The feed is protected too; signing in from its redirect comes back to the feed.
    await page.goto("/");
    await expectSignInRedirect(page, "/");
    await fillSignInForm(page, user.username, user.password);
    await expect(page).toHaveURL((url) => url.pathname === "/");
    await expectSignedInAs(page, user);
    await expect(postCard(page, user.posts[0]!.id)).toBeVisible();
  });

  test("signing out ends the session for every copy of its cookie: another browser holding it is sent to sign-in", async ({
    users,
    session,
    anonymousContext,
  }) => {
    const alice = await users.create({ name: "Alice Martin", posts: 1 });
    const laptop = await session(alice);
    // Another browser with a copy of the laptop's cookie (a forgotten or stolen one), live too.
    const elsewhere = await anonymousContext();
    await elsewhere.addCookies(await laptop.context.cookies());
    const copy = await elsewhere.newPage();
    await copy.goto("/notifications");
    await expectSignedInAs(copy, alice);

    await laptop.page.getByTestId("sign-out").click();
    await expect(laptop.page).toHaveURL((url) => url.pathname === "/signin");

    // The server closed the copy's socket; the page found its session gone and went to sign-in,
    // remembering where it was. Its cookie opens nothing any more.
    await expectSignInRedirect(copy, "/notifications");
    expect((await elsewhere.request.get("/api/posts")).status()).toBe(401);
    await copy.goto("/");
    await expectSignInRedirect(copy, "/");
  });
});
