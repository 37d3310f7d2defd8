// P3: the optimistic heart. In Debian's Chromium, a signed-in user clicks hearts in the feed while
// the like API is held back for 2 s: the heart must flip on the click, not on the answer. Timed in
// the page with performance.now(): from the click event's dispatch (a capturing listener) to the
// aria-pressed change (a MutationObserver), both installed before the click.
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from "../../tooling/chromium";
import { signInBrowserContext } from "../../tooling/sign-in";
import type { BenchContext } from "../context";
import { round, summarize, type Summary } from "../stats";

export type P3Result = {
  clicks: number;
  holdMs: number;
  flipMs: number[];
  summary: Summary;
  flippedBeforeAnswer: number;
  notFlipped: number;
};

declare global {
  interface Window {
    __benchFlip?: Promise<number>;
  }
}

export async function runP3(ctx: BenchContext): Promise<P3Result> {
  const { clicks, holdMs } = ctx.config.p3;
  const baseURL = ctx.stack.url;
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ baseURL });
    // Signed in through next-auth's API, as the e2e fixtures sign their browsers in.
    const signIn = await signInBrowserContext(context, baseURL, ctx.world.p3User.username, ctx.world.password);
    if (signIn.status() !== 200) throw new Error(`P3 sign-in answered ${signIn.status()}`);
    const page = await context.newPage();
    // Answers per post: an earlier click's held answer may land during a later click, so each
    // click is judged by its own post's answer.
    const answered = new Map<string, number>();
    await page.route(/\/api\/posts\/[^/]+\/like$/, async (route) => {
      const postId = /\/api\/posts\/([^/]+)\/like$/.exec(new URL(route.request().url()).pathname)?.[1] ?? "";
      await new Promise((r) => setTimeout(r, holdMs));
      await route.continue();
      answered.set(postId, (answered.get(postId) ?? 0) + 1);
    });
    await page.goto("/");
    await page.waitForSelector('[data-testid="realtime-status"][data-state="connected"]', { timeout: 30_000 });

    const flipMs: number[] = [];
    let flippedBeforeAnswer = 0;
    let notFlipped = 0;
    for (let i = 0; i < clicks; i++) {
      const postId = ctx.world.feedPosts[i % ctx.world.feedPosts.length]!;
      const selector = `[data-testid="post-card"][data-post-id="${postId}"] [data-testid="like-button"]`;
      const button = page.locator(selector);
      await button.waitFor();
      const answeredBefore = answered.get(postId) ?? 0;
      await page.evaluate((sel) => {
        const target = document.querySelector(sel)!;
        window.__benchFlip = new Promise<number>((resolve) => {
          let clickedAt: number | undefined;
          window.addEventListener("click", () => (clickedAt = performance.now()), { capture: true, once: true });
          const observer = new MutationObserver(() => {
            if (clickedAt === undefined) return;
            observer.disconnect();
            resolve(performance.now() - clickedAt);
          });
          observer.observe(target, { attributes: true, attributeFilter: ["aria-pressed"] });
        });
      }, selector);
      await button.click();
      // -1: no flip within twice the hold, i.e. not even after the answer.
      const ms = await page.evaluate(
        (wait) => Promise.race([window.__benchFlip!, new Promise<number>((r) => setTimeout(() => r(-1), wait))]),
        holdMs * 2,
      );
      if (ms < 0) {
        notFlipped++;
        continue;
      }
      // A flip that came with the (held) answer would not be optimistic at all.
      if ((answered.get(postId) ?? 0) === answeredBefore) flippedBeforeAnswer++;
      flipMs.push(round(ms));
      await page.waitForTimeout(200);
    }
    // Let the held requests finish before the context goes.
    await page.waitForTimeout(holdMs + 500);
    await context.close();
    return { clicks, holdMs, flipMs, summary: summarize(flipMs), flippedBeforeAnswer, notFlipped };
  } finally {
    await browser.close();
  }
}
