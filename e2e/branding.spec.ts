// Issue 14: the app looks like itself everywhere a new user might land: a favicon that answers
// 200, a branded 404 signed in or out, and a tab title on every page naming what it shows.
import { expect, test } from "./fixtures";

test("/favicon.ico is a real icon", async ({ request }) => {
  const response = await request.get("/favicon.ico");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  const bytes = await response.body();
  // An ICO header (reserved 0, type 1 = icon), one image, holding a PNG.
  expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  expect(bytes.readUInt16LE(4)).toBe(1);
  expect(bytes.subarray(22, 26).toString("latin1")).toBe("\x89PNG");
});

test("every page has a title naming what it shows", async ({ users, session, anonymousContext }) => {
  const bob = await users.create({ name: "Bob Okafor", posts: 1 });
  const b = await session(bob);
  await expect(b.page).toHaveTitle("Feed · Likes");
  await b.page.goto(`/p/${bob.posts[0]!.id}`);
  await expect(b.page).toHaveTitle(`@${bob.username}'s photo · Likes`);
  await b.page.goto(`/u/${bob.username}`);
  await expect(b.page).toHaveTitle(`Bob Okafor (@${bob.username}) · Likes`);
  await b.page.goto("/notifications");
  await expect(b.page).toHaveTitle("Notifications · Likes");
  await b.page.goto("/no-such-page");
  await expect(b.page).toHaveTitle("Page not found · Likes");

  const visitor = await (await anonymousContext()).newPage();
  await visitor.goto("/signin");
  await expect(visitor).toHaveTitle("Sign in · Likes");
});

test("the 404 is the app's own page, signed in (with the header) and signed out", async ({
  users,
  session,
  anonymousContext,
}) => {
  const bob = await users.create({ name: "Bob Okafor", posts: 0 });
  const b = await session(bob, { path: null });
  const response = await b.page.goto("/nothing/here");
  expect(response?.status()).toBe(404);
  await expect(b.page.getByTestId("not-found")).toBeVisible();
  await expect(b.page.getByTestId("profile-link")).toBeVisible();
  await b.page.getByTestId("not-found-home").click();
  await expect(b.page).toHaveURL(/\/$/);

  const visitor = await (await anonymousContext()).newPage();
  const anonymous = await visitor.goto("/nothing/here");
  expect(anonymous?.status()).toBe(404);
  await expect(visitor.getByTestId("not-found")).toBeVisible();
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("This page doesn't exist");
});
