// npm run simulate: company for one person trying the app alone. The seeded bots (dana, eli, farah
// and gus, prisma/seed.ts) sign in through the real HTTP API, as a browser does, and like and
// unlike the photos of alice, bob and carol (or of --target) at a steady rate, so their inboxes
// fill, group and change while they watch. Ctrl-C stops it after the request in flight and prints
// what it did.
//
//   npm run simulate -- --target=alice --rate=2 --duration=60
//   docker compose --profile simulate up
//
// Options (flags win over the environment):
//   --url       where the app is (env SIMULATE_URL, default http://localhost:8080)
//   --rate      actions per second, all bots together (env SIMULATE_RATE, default 1)
//   --duration  seconds to run (env SIMULATE_DURATION, default: until Ctrl-C)
//   --target    whose photos, comma-separated usernames (env SIMULATE_TARGET, default alice,bob,carol)
// The bots' password is SEED_PASSWORD (default demo1234), as the seed set it.
// Exit codes: 0 done or stopped; 64 bad options or an unknown target; 1 the bots cannot sign in.
import { parseArgs } from "node:util";
import { z } from "zod";
import { SEED_BOT_USERNAMES, SEED_HUMANS } from "../prisma/seed";

const EX_USAGE = 64;
const USAGE =
  "usage: npm run simulate -- [--url=http://localhost:8080] [--rate=1] [--duration=SECONDS] [--target=alice,bob,carol]";
/** One request may take this long before it counts as a network error. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Longest wait a Retry-After may impose, and the wait when the server names none. */
const MAX_PAUSE_MS = 60_000;
const DEFAULT_PAUSE_MS = 5_000;

const Username = z.string().regex(/^[a-z0-9_]{1,32}$/i, "usernames are letters, digits and _");
const OptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: "--url must be an http(s) URL, e.g. http://localhost:8080" }),
  rate: z.coerce
    .number({ error: "--rate must be a number" })
    .positive("--rate must be above 0")
    .max(100, "--rate is at most 100 actions per second"),
  duration: z.coerce
    .number({ error: "--duration must be a number of seconds" })
    .positive("--duration must be above 0")
    .optional(),
  target: z
    .string()
    .transform((list) => [
      ...new Set(
        list
          .split(",")
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(Username).min(1, "--target needs at least one username")),
});
type Options = z.infer<typeof OptionsSchema>;

function usageError(message: string): never {
  console.error(`simulate: ${message}\n${USAGE}`);
  process.exit(EX_USAGE);
}

function readOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        rate: { type: "string" },
        duration: { type: "string" },
        target: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // An empty variable (compose passes ${SIMULATE_TARGET:-}) means "not set".
  const fromEnv = (name: string) => process.env[name] || undefined;
  const parsed = OptionsSchema.safeParse({
    url: values.url ?? fromEnv("SIMULATE_URL") ?? "http://localhost:8080",
    rate: values.rate ?? fromEnv("SIMULATE_RATE") ?? "1",
    duration: values.duration ?? fromEnv("SIMULATE_DURATION"),
    target: values.target ?? fromEnv("SIMULATE_TARGET") ?? SEED_HUMANS.join(","),
  });
  if (!parsed.success) usageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// HTTP: one cookie jar per bot, as one browser each.

type Answer = { status: number; body: unknown; retryAfterMs: number | null };

/** fetch() threw: no HTTP answer at all (the app restarting, nginx down, a timeout). */
class NetworkError extends Error {}

class Session {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async request(method: string, pathname: string, init: { form?: Record<string, string> } = {}): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(new URL(pathname, this.baseUrl), {
        method,
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          accept: "application/json",
          ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
          ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      });
    } catch (error) {
      throw new NetworkError(
        (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message,
      );
    }
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text().catch(() => "");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (an HTML error page from a proxy): kept as text.
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    return {
      status: response.status,
      body,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
    };
  }

  signedIn(): boolean {
    return [...this.cookies.keys()].some((name) => name.endsWith("next-auth.session-token"));
  }

  /** next-auth's credentials flow, as the browser's signIn() runs it: a CSRF token, then the form. */
  async signIn(username: string, password: string): Promise<Answer> {
    this.cookies.clear();
    const csrf = await this.request("GET", "/api/auth/csrf");
    const csrfToken = (csrf.body as { csrfToken?: unknown } | null)?.csrfToken;
    if (csrf.status !== 200 || typeof csrfToken !== "string") return csrf;
    return this.request("POST", "/api/auth/callback/credentials", {
      form: { csrfToken, username, password, json: "true" },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// What the run did, for the summary.

type Tally = { actions: number; likes: number; unlikes: number; errors: number };
const tally = (): Tally => ({ actions: 0, likes: 0, unlikes: 0, errors: 0 });

class Report {
  readonly total = tally();
  readonly byBot = new Map<string, Tally>();
  readonly byTarget = new Map<string, Tally>();
  /** HTTP status, or "network", -> how many times. */
  readonly errorsByStatus = new Map<string, number>();
  readonly startedAt = Date.now();

  constructor(bots: readonly string[], targets: readonly string[]) {
    for (const bot of bots) this.byBot.set(bot, tally());
    for (const target of targets) this.byTarget.set(target, tally());
  }

  record(bot: string, target: string, outcome: "like" | "unlike" | { error: string }) {
    for (const t of [this.total, this.byBot.get(bot)!, this.byTarget.get(target)!]) {
      t.actions += 1;
      if (outcome === "like") t.likes += 1;
      else if (outcome === "unlike") t.unlikes += 1;
      else t.errors += 1;
    }
    if (typeof outcome === "object") this.error(outcome.error);
  }

  /** An error outside an action (signing in, reading the photos). */
  error(status: string) {
    this.errorsByStatus.set(status, (this.errorsByStatus.get(status) ?? 0) + 1);
  }

  print() {
    const line = (t: Tally) => `${t.actions} actions, ${t.likes} likes, ${t.unlikes} unlikes, ${t.errors} errors`;
    const width = Math.max(...[...this.byBot.keys(), ...this.byTarget.keys()].map((name) => name.length));
    const errors = [...this.errorsByStatus]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}: ${n}`);
    console.log(
      [
        `simulate: done after ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`,
        `total: ${line(this.total)}`,
        `errors by status (every request, signing in too): ${errors.length ? errors.join(", ") : "none"}`,
        "by bot:",
        ...[...this.byBot].map(([name, t]) => `  ${name.padEnd(width)}  ${line(t)}`),
        "by target:",
        ...[...this.byTarget].map(([name, t]) => `  ${name.padEnd(width)}  ${line(t)}`),
      ].join("\n"),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Stopping: a signal ends the waits at once; a request in flight is let finish.

const stopping = new AbortController();
function onSignal(signal: NodeJS.Signals) {
  if (stopping.signal.aborted) {
    // A second Ctrl-C: the user does not want to wait for the request in flight.
    console.error(`simulate: ${signal} again, leaving now`);
    process.exit(130);
  }
  console.error(`simulate: ${signal}, stopping after the request in flight`);
  stopping.abort();
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

/** Waits ms, or less if the run is stopped meanwhile. */
function pause(ms: number): Promise<void> {
  if (stopping.signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopping.signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stopping.signal.addEventListener("abort", done, { once: true });
  });
}

const clamp = (ms: number | null) => Math.min(Math.max(ms ?? DEFAULT_PAUSE_MS, 250), MAX_PAUSE_MS);
const describe = (answer: Answer) =>
  (answer.body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${answer.status}`;
const time = () => new Date().toISOString().slice(11, 19);

// ---------------------------------------------------------------------------------------------
// The bots.

type TargetPost = { id: string; owner: string; caption: string; liked: boolean };
type Bot = { username: string; session: Session; posts: TargetPost[] };

/** The statuses after which the server asks to be left alone for a while (Retry-After). */
const BACK_OFF = new Set([429, 502, 503, 504]);

/**
 * Signs a bot in, retrying while the app is unreachable or asks to wait. Returns false if the run
 * was stopped first; exits if the credentials are refused (a database the seed never ran on).
 */
async function signIn(bot: Bot, password: string, report: Report): Promise<boolean> {
  let networkWaitMs = 1000;
  while (!stopping.signal.aborted) {
    try {
      const answer = await bot.session.signIn(bot.username, password);
      if (bot.session.signedIn()) return true;
      if (BACK_OFF.has(answer.status)) {
        report.error(String(answer.status));
        console.log(
          `${time()} sign-in as ${bot.username}: ${answer.status}, waiting ${Math.round(clamp(answer.retryAfterMs) / 1000)} s`,
        );
        await pause(clamp(answer.retryAfterMs));
        continue;
      }
      console.error(
        `simulate: ${bot.username} cannot sign in (${answer.status}): is the database seeded (npm run db:seed), and is SEED_PASSWORD the seed's?`,
      );
      process.exit(1);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      report.error("network");
      console.log(`${time()} sign-in as ${bot.username}: ${error.message}, retrying in ${networkWaitMs / 1000} s`);
      await pause(networkWaitMs);
      networkWaitMs = Math.min(networkWaitMs * 2, 10_000);
    }
  }
  return false;
}

/** What the bot sees of each target's photos: which it likes already (likedByMe). */
async function loadPosts(bot: Bot, targets: readonly string[], report: Report): Promise<boolean> {
  const posts: TargetPost[] = [];
  for (const target of targets) {
    if (target === bot.username) continue; // liking one's own photo notifies nobody
    for (;;) {
      if (stopping.signal.aborted) return false;
      let answer: Answer;
      try {
        answer = await bot.session.request("GET", `/api/users/${encodeURIComponent(target)}/posts?limit=60`);
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        report.error("network");
        await pause(2000);
        continue;
      }
      if (answer.status === 404) usageError(`--target: there is no user named ${target}`);
      if (answer.status === 200) {
        const items = (answer.body as { items: { id: string; caption: string; likedByMe: boolean }[] }).items;
        posts.push(
          ...items.map((item) => ({ id: item.id, owner: target, caption: item.caption, liked: item.likedByMe })),
        );
        break;
      }
      report.error(String(answer.status));
      if (answer.status === 401 && !(await signIn(bot, passwordOf(), report))) return false;
      if (answer.status !== 401) await pause(clamp(answer.retryAfterMs));
    }
  }
  bot.posts = posts;
  return true;
}

const passwordOf = () => process.env.SEED_PASSWORD || "demo1234";

/** Any item of a non-empty list, at random. */
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function run(options: Options): Promise<void> {
  // The whole run, signing in included, ends on time: like a Ctrl-C, after the request in flight.
  if (options.duration) setTimeout(() => stopping.abort(), options.duration * 1000).unref();
  const bots: Bot[] = SEED_BOT_USERNAMES.map((username) => ({
    username,
    session: new Session(options.url),
    posts: [],
  }));
  const report = new Report(
    bots.map((b) => b.username),
    options.target,
  );
  console.log(
    `simulate: ${bots.map((b) => b.username).join(", ")} at ${options.url}, ${options.rate} action(s)/s on the photos of ${options.target.join(", ")}${options.duration ? ` for ${options.duration} s` : " until Ctrl-C"}`,
  );

  for (const bot of bots) {
    if (!(await signIn(bot, passwordOf(), report)) || !(await loadPosts(bot, options.target, report))) break;
  }
  const active = () => bots.filter((bot) => bot.posts.length > 0);
  if (!stopping.signal.aborted && active().length === 0) {
    console.log(
      `simulate: ${options.target.join(", ")} ha${options.target.length > 1 ? "ve" : "s"} no photos the bots could like`,
    );
  }

  const intervalMs = 1000 / options.rate;
  let nextAt = Date.now();
  let networkWaitMs = 1000;

  while (!stopping.signal.aborted && active().length > 0) {
    await pause(nextAt - Date.now());
    if (stopping.signal.aborted) break;
    // A slow answer or a pause puts the schedule behind: carry on from now, no burst to catch up.
    nextAt = Math.max(nextAt + intervalMs, Date.now());

    const bot = pick(active());
    // Mostly likes while there is something to like, so the owner's inbox grows; unlikes take
    // some back (the owner sees them disappear).
    const liked = bot.posts.filter((post) => post.liked);
    const notLiked = bot.posts.filter((post) => !post.liked);
    const like = notLiked.length > 0 && (liked.length === 0 || Math.random() < 0.6);
    const post = pick(like ? notLiked : liked);

    let answer: Answer;
    try {
      answer = await bot.session.request(like ? "PUT" : "DELETE", `/api/posts/${encodeURIComponent(post.id)}/like`);
      networkWaitMs = 1000;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      report.record(bot.username, post.owner, { error: "network" });
      console.log(`${time()} ${bot.username}: no answer (${error.message}), retrying in ${networkWaitMs / 1000} s`);
      nextAt = Date.now() + networkWaitMs;
      networkWaitMs = Math.min(networkWaitMs * 2, 10_000);
      continue;
    }

    if (answer.status === 200) {
      const result = answer.body as { liked: boolean; likeCount: number };
      post.liked = result.liked;
      report.record(bot.username, post.owner, like ? "like" : "unlike");
      console.log(
        `${time()} ${bot.username} ${like ? "likes" : "unlikes"} ${post.owner}'s "${post.caption}" (${result.likeCount} like${result.likeCount === 1 ? "" : "s"})`,
      );
      continue;
    }
    report.record(bot.username, post.owner, { error: String(answer.status) });
    console.log(
      `${time()} ${bot.username} ${like ? "like" : "unlike"} of ${post.owner}'s "${post.caption}": ${answer.status} ${describe(answer)}`,
    );
    if (BACK_OFF.has(answer.status)) {
      nextAt = Date.now() + clamp(answer.retryAfterMs);
    } else if (answer.status === 401) {
      // The session ended (signed out elsewhere, the secret changed): sign in again and re-read.
      if (!(await signIn(bot, passwordOf(), report)) || !(await loadPosts(bot, options.target, report))) break;
    } else if (answer.status === 404) {
      bot.posts = bot.posts.filter((p) => p.id !== post.id);
    }
  }

  report.print();
}

try {
  await run(readOptions(process.argv.slice(2)));
  process.exit(0);
} catch (error) {
  // Not expected: say what, without a stack trace, and fail.
  console.error(`simulate: ${(error as Error).message}`);
  process.exit(1);
}
