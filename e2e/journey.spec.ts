// Issue 13: the journey panel. A real like between two users, through nginx, the app, Postgres,
// BullMQ, the worker and Socket.IO: the liker's panel and the owner's panel both end up showing
// every hop with a measured, non-negative time, under the same trace id the like request carried.
// Plus the panel's manners: closed by default, one click to open, remembered, and on a 360 px
// phone a bottom sheet that does not make the page scroll sideways.
import type { Locator, Page } from "@playwright/test";
import { JOURNEY_HOPS } from "../shared/journey";
import { expect, test } from "./fixtures";
import { attachScreenshot, expectLiked, isLikeRequest, likeButton } from "./support/ui";

const HOP_IDS = JOURNEY_HOPS.map((hop) => hop.id);

function journeyPanel(page: Page): Locator {
  return page.getByTestId("journey-panel");
}

function journeyOn(page: Page, side: "liker" | "owner", traceId?: string): Locator {
  return page.locator(`[data-testid="journey"][data-side="${side}"]${traceId ? `[data-trace-id="${traceId}"]` : ""}`);
}

/** Each hop row's data-ms, in the order the rows appear. */
async function hopTimes(journey: Locator): Promise<[string, string][]> {
  return journey
    .getByTestId("journey-hop")
    .evaluateAll((rows) => rows.map((row) => [row.getAttribute("data-hop") ?? "", row.getAttribute("data-ms") ?? ""]));
}

/** Waits until every hop of the journey has a figure, then checks them: all ten, in order, >= 0. */
async function expectEveryHopTimed(journey: Locator, who: string): Promise<void> {
  const unmeasured = async () =>
    (await hopTimes(journey)).filter(([, ms]) => !/^\d+(\.\d+)?$/.test(ms)).map(([hop]) => hop);
  await expect.poll(unmeasured, { message: `${who}: hops still without a time`, timeout: 20_000 }).toEqual([]);
  const times = await hopTimes(journey);
  expect(
    times.map(([hop]) => hop),
    `${who}: the hops, in order`,
  ).toEqual(HOP_IDS);
  for (const [hop, ms] of times) expect(Number(ms), `${who}: ${hop}`).toBeGreaterThanOrEqual(0);
}

async function openJourneyPanel(page: Page): Promise<void> {
  const toggle = page.getByTestId("journey-toggle");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(journeyPanel(page)).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(journeyPanel(page)).toBeVisible();
}

test.describe("the journey panel", () => {
  test("alice likes bob's photo: her panel and his show every hop, timed, under the trace her request carried", async ({
    users,
    session,
  }, testInfo) => {
    const bob = await users.create({ name: "Bob Okafor", posts: 1 });
    const alice = await users.create({ name: "Alice Martin", posts: 0 });
    const postId = bob.posts[0]!.id;

    const b = await session(bob);
    // Bob's browser in dark mode: the panel follows the system's theme.
    await b.page.emulateMedia({ colorScheme: "dark" });
    await openJourneyPanel(b.page);
    const a = await session(alice);
    await openJourneyPanel(a.page);
    await expect(a.page.getByTestId("journey-empty")).toBeVisible();

    const request = a.page.waitForRequest((r) => isLikeRequest(r.url(), postId) && r.method() === "PUT");
    const response = a.page.waitForResponse((r) => isLikeRequest(r.url(), postId) && r.request().method() === "PUT");
    await likeButton(a.page, postId).click();
    await expectLiked(a.page, postId, true, 1);

    // The request carried a trace of the browser's own, and the click hop; the answer its timings.
    const headers = await (await request).allHeaders();
    const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(headers["traceparent"] ?? "");
    expect(traceparent, `traceparent ${headers["traceparent"]}`).not.toBeNull();
    const traceId = traceparent![1]!;
    expect(traceId).not.toBe("0".repeat(32));
    expect(headers["tracestate"]).toMatch(/^likes=click:\d+$/);
    const answer = await response;
    expect(answer.status()).toBe(200);
    expect(answer.headers()["traceresponse"]).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(answer.headers()["server-timing"]).toMatch(/postgres;dur=/);

    // Alice's side: one journey, under her request's trace id, every hop timed once bob's browser
    // has reported the last two.
    const sent = journeyOn(a.page, "liker");
    await expect(sent).toHaveCount(1);
    await expect(sent).toHaveAttribute("data-trace-id", traceId);
    await expect(sent).toContainText(`You liked @${bob.username}'s photo`);
    await expectEveryHopTimed(sent, "alice's panel");
    await expect(sent).toHaveAttribute("data-complete", "true");
    await expect(sent).toContainText(`On @${bob.username}'s screen`);
    await expect(sent.getByTestId("journey-hop").filter({ hasText: "server/likes.ts" })).toHaveAttribute(
      "data-hop",
      "postgres",
    );

    // Bob's side: the same trace, arrived with his notification.
    await expect(b.page.getByTestId("toast").filter({ hasText: alice.username })).toBeVisible();
    const received = journeyOn(b.page, "owner", traceId);
    await expect(received).toHaveCount(1);
    await expect(received).toContainText(`@${alice.username} liked your photo`);
    await expectEveryHopTimed(received, "bob's panel");
    await expect(received).toContainText("On your screen");

    await attachScreenshot(testInfo, "journey-liker-panel", journeyPanel(a.page));
    await attachScreenshot(testInfo, "journey-owner-panel-dark", journeyPanel(b.page));
    await attachScreenshot(testInfo, "journey-liker-page", a.page);
  });

  test("closed by default, one click to open, remembered; on a 360 px phone a sheet that fits, and one's own photo notifies nobody", async ({
    users,
    session,
  }, testInfo) => {
    const carol = await users.create({ name: "Carol Diaz", posts: 1 });
    const postId = carol.posts[0]!.id;
    const c = await session(carol);
    await c.page.setViewportSize({ width: 360, height: 740 });

    const toggle = c.page.getByTestId("journey-toggle");
    await expect(toggle).toHaveAccessibleName("Like journeys");
    await openJourneyPanel(c.page);
    await expect(journeyPanel(c.page)).toHaveAccessibleName("Like journeys");

    // Remembered across a reload, open and closed.
    await c.page.reload();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(journeyPanel(c.page)).toBeVisible();
    await c.page.getByRole("button", { name: "Close like journeys" }).click();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(journeyPanel(c.page)).toHaveCount(0);
    await c.page.reload();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(journeyPanel(c.page)).toHaveCount(0);

    // Her own photo, liked with the panel closed (the sheet would sit over the heart): the tab
    // keeps the journey all the same. The request's hops are timed; the panel says why nothing follows.
    await likeButton(c.page, postId).click();
    await expectLiked(c.page, postId, true, 1);
    await openJourneyPanel(c.page);
    const own = journeyOn(c.page, "liker");
    await expect(own).toContainText("Your own photo: no notification");
    const times = Object.fromEntries(await hopTimes(own));
    for (const hop of ["click", "nginx", "route", "session", "postgres"])
      expect(Number(times[hop] || "x"), hop).toBeGreaterThanOrEqual(0);
    for (const hop of ["outbox", "queue", "worker", "socket", "render"]) expect(times[hop], hop).toBe("");
    await expect(own.locator('[data-hop="render"]')).toContainText("your own photo: no notification");

    // Nothing wider than the phone: the page does not scroll sideways, the sheet spans the screen.
    const overflow = await c.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
    const box = (await journeyPanel(c.page).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await attachScreenshot(testInfo, "journey-phone", c.page);
  });
});
