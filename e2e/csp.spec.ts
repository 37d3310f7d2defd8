// The Content-Security-Policy holds in a real browser: the app's own scripts run under it with
// no violation, and a script injected into a page's HTML (what an HTML-injection bug would let an
// attacker do) is blocked, because it lacks the response's nonce.
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectLiked, fillSignInForm, likeButton, waitForRealtime } from "./support/ui";

/** Collects every CSP violation the page reports, from before its first script runs. */
async function recordViolations(context: BrowserContext): Promise<(page: Page) => Promise<string[]>> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return (page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

test.describe("content security policy", () => {
  test("the app runs under its nonce policy with no violation: sign in, feed, like, inbox", async ({
    users,
    session,
    anonymousContext,
  }) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const context = await anonymousContext();
    const violations = await recordViolations(context);
    const page = await context.newPage();

    const response = await page.goto("/signin");
    const policy = response!.headers()["content-security-policy"] ?? "";
    const scriptSrc = policy
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("script-src "));
    // No 'unsafe-inline', no 'unsafe-eval': a nonce, and what nonced scripts load.
    expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/]+=*' 'strict-dynamic'$/);
    await fillSignInForm(page, alice.username, alice.password);
    await expect(page).toHaveURL((url) => url.pathname === "/");
    await waitForRealtime(page);

    const b = await session(bob);
    await likeButton(page, bob.posts[0]!.id).click();
    await expectLiked(page, bob.posts[0]!.id, true, 1);
    await expect(b.page.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();

    await page.goto("/notifications");
    await waitForRealtime(page);
    expect(await violations(page)).toEqual([]);
  });

  test("a script injected into the page's HTML does not run; the app's own still do", async ({ users, session }) => {
    const alice = await users.create({ name: "Alice Martin", posts: 1 });
    const a = await session(alice, { path: null });
    const violations = await recordViolations(a.context);
    // Serve the real page with an attacker's inline script added, keeping the real headers (CSP).
    await a.page.route("**/notifications", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace("</head>", "<script>window.__injected = true</script></head>");
      // route.fetch() hands over the decoded body: drop the encoding and length it no longer has.
      const headers = response.headers();
      delete headers["content-encoding"];
      delete headers["content-length"];
      await route.fulfill({ status: response.status(), headers, body: html });
    });
    await a.page.goto("/notifications");
    // The app's own (nonced) scripts ran: Next's client runtime is up. (The socket itself cannot
    // connect here: Chromium treats a document served by page.route as public, and refuses it a
    // connection to localhost.)
    await expect
      .poll(() => a.page.evaluate(() => (window as unknown as { next?: { version?: string } }).next?.version))
      .toMatch(/^\d+\./);
    expect(await a.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(await violations(a.page)).toContain("script-src-elem inline");
  });
});
