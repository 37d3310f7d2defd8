// The suite's fixtures, in the style of epic-stack and cal.com: every test makes its own users
// (straight into the stack's database), signs browser contexts in through the API, and deletes
// its users afterwards. Tests never share users or posts, so they run in parallel and in any order.
//
//   test("…", async ({ users, session }) => {
//     const bob = await users.create({ name: "Bob", posts: 1 });
//     const alice = await users.create({ name: "Alice" });
//     const b = await session(bob);                  // own context, signed in, feed open, socket live
//     const a = await session(alice, { https: true }); // the same through nginx's TLS listener
//   });
//
// See docs/testing-e2e.md.
import { randomBytes } from "node:crypto";
import {
  test as base,
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from "@playwright/test";
import { createPrisma, type Db } from "../server/db";
import { hashPassword } from "../server/password";
import { isSessionCookie, signInBrowserContext } from "../tooling/sign-in";
import { stackInfo } from "./support/stack-info";
import { waitForRealtime } from "./support/ui";

export { expect };

export type TestPost = { id: string; imageUrl: string; caption: string };
export type TestUser = { id: string; username: string; name: string; password: string; posts: TestPost[] };

export type CreateUserOptions = {
  /** Display name; the username is derived from it plus random characters. Default "Test User". */
  name?: string;
  /** How many photos the user owns, created newest last. Default 1. */
  posts?: number;
};

export type UsersFixture = {
  create(options?: CreateUserOptions): Promise<TestUser>;
  /** Adds a photo to an existing user (it becomes the newest post in the feed). */
  addPost(user: TestUser): Promise<TestPost>;
};

export type SessionOptions = {
  /** Use nginx's HTTPS listener (self-signed certificate) instead of plain HTTP. */
  https?: boolean;
  /** The page to open; null opens none. Default "/". */
  path?: string | null;
  /** Wait until the page's Socket.IO connection is up (realtime-status connected). Default true. */
  realtime?: boolean;
  /** Runs on the new page before it navigates (init scripts, routes, listeners). */
  beforeGoto?: (page: Page) => Promise<void> | void;
};

export type Session = {
  user: TestUser;
  context: BrowserContext;
  /** The first page, at `path` (unless path was null: then a blank page). */
  page: Page;
  /** The context's API client: shares the context's cookies, i.e. acts as this user. */
  request: APIRequestContext;
  baseURL: string;
};

type TestFixtures = {
  users: UsersFixture;
  /** Signs a context in as `user` through next-auth's API (csrf + credentials callback). */
  login: (user: TestUser, context?: BrowserContext) => Promise<void>;
  /** A new browser context (closed after the test) signed in as `user`, with a page open. */
  session: (user: TestUser, options?: SessionOptions) => Promise<Session>;
  /** A new signed-out context (closed after the test). */
  anonymousContext: (options?: { https?: boolean }) => Promise<BrowserContext>;
};

type WorkerFixtures = {
  stack: { httpUrl: string; httpsUrl: string; databaseUrl: string };
  db: Db;
};

const AVATARS = ["alice", "bob", "carol"];
const SEED_IMAGES = ["alice-1", "alice-2", "alice-3", "bob-1", "bob-2", "bob-3", "carol-1", "carol-2", "carol-3"];

/** Lowercase, unique, at most 32 characters (the column's limit): u_<first name>_<12 hex>. */
export function uniqueUsername(name: string): string {
  const slug = (name.toLowerCase().split(/\s+/)[0] ?? "").replace(/[^a-z0-9]/g, "").slice(0, 10) || "user";
  return `u_${slug}_${randomBytes(6).toString("hex")}`;
}

/** Signs `context` in through the API so the session cookie lands in the context's cookie jar. */
export async function signInThroughApi(context: BrowserContext, baseURL: string, user: TestUser): Promise<void> {
  const response = await signInBrowserContext(context, baseURL, user.username, user.password);
  expect(response.status(), `sign-in of ${user.username} (${response.url()}): ${await response.text()}`).toBe(200);
  const cookies = await context.cookies(baseURL);
  expect(
    cookies.map((c) => c.name).filter(isSessionCookie),
    `session cookie after signing in ${user.username}`,
  ).toHaveLength(1);
}

async function newContext(browser: Browser, baseURL: string, https: boolean): Promise<BrowserContext> {
  return browser.newContext({ baseURL, ignoreHTTPSErrors: https });
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stack: [async ({}, use) => use(stackInfo()), { scope: "worker" }],

  db: [
    async ({ stack }, use) => {
      const db = createPrisma(stack.databaseUrl);
      await use(db);
      await db.$disconnect();
    },
    { scope: "worker" },
  ],

  // The built-in baseURL option, pointed at the stack's nginx (plain HTTP).
  baseURL: async ({ stack }, use) => use(stack.httpUrl),

  users: async ({ db }, use, testInfo) => {
    const created: TestUser[] = [];
    let imageIndex = testInfo.workerIndex * 3;
    const addPost = async (user: TestUser): Promise<TestPost> => {
      const image = SEED_IMAGES[imageIndex++ % SEED_IMAGES.length]!;
      const caption = `${user.name}'s photo #${user.posts.length + 1} (${testInfo.title.slice(0, 60)})`;
      const post = await db.post.create({
        data: { authorId: user.id, imageUrl: `/seed/posts/${image}.svg`, caption },
        select: { id: true, imageUrl: true, caption: true },
      });
      user.posts.push(post);
      return post;
    };
    await use({
      async create({ name = "Test User", posts = 1 } = {}) {
        const username = uniqueUsername(name);
        const password = `pw-${randomBytes(9).toString("base64url")}`;
        const avatarUrl = `/seed/avatars/${AVATARS[created.length % AVATARS.length]}.svg`;
        const row = await db.user.create({
          data: { username, name, avatarUrl, passwordHash: await hashPassword(password) },
          select: { id: true },
        });
        const user: TestUser = { id: row.id, username, name, password, posts: [] };
        created.push(user);
        for (let i = 0; i < posts; i++) await addPost(user);
        return user;
      },
      addPost,
    });
    // Cascades to their posts, likes and notifications (and to likes others gave their posts).
    if (created.length) await db.user.deleteMany({ where: { id: { in: created.map((u) => u.id) } } });
  },

  login: async ({ context, baseURL }, use) => {
    await use(async (user, target = context) => signInThroughApi(target, baseURL!, user));
  },

  anonymousContext: async ({ browser, stack }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async ({ https = false } = {}) => {
      const context = await newContext(browser, https ? stack.httpsUrl : stack.httpUrl, https);
      contexts.push(context);
      return context;
    });
    for (const context of contexts) await context.close();
  },

  // Depends on `users`, so its contexts close before the users they belong to are deleted.
  session: async ({ browser, stack, users }, use) => {
    void users;
    const contexts: BrowserContext[] = [];
    await use(async (user, { https = false, path = "/", realtime = true, beforeGoto } = {}) => {
      const baseURL = https ? stack.httpsUrl : stack.httpUrl;
      const context = await newContext(browser, baseURL, https);
      contexts.push(context);
      await signInThroughApi(context, baseURL, user);
      const page = await context.newPage();
      await beforeGoto?.(page);
      if (path !== null) {
        await page.goto(path);
        if (realtime) await waitForRealtime(page);
      }
      return { user, context, page, request: context.request, baseURL };
    });
    for (const context of contexts) await context.close();
  },
});
