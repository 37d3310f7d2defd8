// "Sign out everywhere" (issue 24): one browser ends every session of its user. Another browser
// signed in as the same user loses its live connection at once and is sent to sign-in; its cookie
// opens nothing any more. Someone else, signed in meanwhile, notices nothing.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { waitForRealtime } from "./support/ui";
import { isSessionCookie } from "../tooling/sign-in";

/** Records when the page's Socket.IO WebSocket closes (the server closing it, not a navigation). */
function watchSocketClose(page: Page): { closed: () => boolean } {
  let closed = false;
  page.on("websocket", (ws) => {
    if (ws.url().includes("/socket.io/")) ws.on("close", () => (closed = true));
  });
  return { closed: () => closed };
}

test("sign out everywhere: the other browser of the same user is disconnected and sent to sign-in; another user is unaffected", async ({
  users,
  session,
  anonymousContext,
}) => {
  const alice = await users.create({ name: "Alice Martin", posts: 1 });
  const bob = await users.create({ name: "Bob Stone", posts: 1 });
  // Two browsers of Alice's, each with its own session: the laptop over HTTPS (its cookie is the
  // __Secure- one), the phone over plain HTTP. Bob in a third.
  const laptop = await session(alice, { https: true });
  let phoneSocket = { closed: () => false };
  const phone = await session(alice, {
    path: "/notifications",
    beforeGoto: (page) => void (phoneSocket = watchSocketClose(page)),
  });
  const other = await session(bob);
  expect((await phone.request.get("/api/posts")).status()).toBe(200);
  // The phone's cookie as it is now: next-auth clears it once it finds the session gone, so it is
  // tried again afterwards from a browser that still holds it.
  const phoneCookies = await phone.context.cookies();

  // It asks first: one click arms it and changes nothing; the second, on the armed button, does it.
  await laptop.page.getByRole("button", { name: "Sign out everywhere", exact: true }).click();
  const confirm = laptop.page.getByRole("button", { name: "Confirm: sign out on every device", exact: true });
  await expect(confirm).toBeVisible();
  expect((await phone.request.get("/api/posts")).status()).toBe(200);
  await confirm.click();

  // The laptop: on the sign-in page, its session cookie gone.
  await expect(laptop.page).toHaveURL((url) => url.pathname === "/signin");
  expect((await laptop.context.cookies()).map((c) => c.name).filter(isSessionCookie)).toEqual([]);
  expect((await laptop.request.get("/api/posts")).status()).toBe(401);

  // The phone: the server closed its socket, the page found its session gone and went to sign-in,
  // remembering where it was. Its cookie opens nothing any more.
  await expect.poll(phoneSocket.closed, { message: "the phone's socket was closed" }).toBe(true);
  await expect(phone.page).toHaveURL(
    (url) => url.pathname === "/signin" && url.searchParams.get("callbackUrl") === "/notifications",
  );
  const stillHolding = await anonymousContext();
  await stillHolding.addCookies(phoneCookies);
  expect((await stillHolding.cookies()).map((c) => c.name).filter(isSessionCookie)).toHaveLength(1);
  const refused = await stillHolding.request.get("/api/posts");
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthenticated");

  // Bob: still live, still signed in, on a reload too.
  await expect(other.page.getByTestId("realtime-status")).toHaveAttribute("data-state", "connected");
  expect((await other.request.get("/api/posts")).status()).toBe(200);
  await other.page.reload();
  await expect(other.page.getByTestId("current-user")).toHaveText(bob.username);
  await waitForRealtime(other.page);
});

test("sign out everywhere asks first: Escape, or leaving the armed button, signs nobody out", async ({
  users,
  session,
}) => {
  const alice = await users.create({ name: "Alice Martin", posts: 1 });
  const { page, request } = await session(alice);
  const atRest = page.getByRole("button", { name: "Sign out everywhere", exact: true });
  const armed = page.getByRole("button", { name: "Confirm: sign out on every device", exact: true });

  await atRest.click();
  await expect(armed).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(atRest).toBeVisible();

  await atRest.click();
  await expect(armed).toBeVisible();
  await page.keyboard.press("Tab"); // focus moves on: the button is left
  await expect(atRest).toBeVisible();

  // Still signed in, here and through the API.
  expect((await request.get("/api/posts")).status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("current-user")).toHaveText(alice.username);
});
