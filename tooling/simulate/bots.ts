// The seeded bots of `npm run simulate` (dana, eli, farah and gus, prisma/seed.ts): each signs in
// through the HTTP API with a cookie jar of its own, as one browser, reads the targets' photos, and
// then, one action at a time at a steady rate for all of them together, likes what it does not
// like yet or takes a like back. They wait when the server asks them to (Retry-After), sign in
// again when a session ends, and retry when the app cannot be reached at all.
import { SEED_BOT_USERNAMES } from "../../prisma/seed";
import { ApiClient, type ApiResponse } from "../api-client";
import { RunTally } from "./tally";

export type BotOptions = {
  /** Where the app is, e.g. http://localhost:8080. */
  url: string;
  /** Actions per second, all bots together. */
  rate: number;
  /** Whose photos the bots like: usernames. */
  target: string[];
  /** The bots' password, as the seed set it. */
  password: string;
  /** Ends the run after the request in flight (Ctrl-C, or the run's duration). */
  stop: AbortSignal;
  /** Where each action and each wait is told, one line at a time. */
  say: (line: string) => void;
};

/** A target that is no user: the options were wrong. */
export class UnknownTarget extends Error {}
/** The server refused a bot's credentials: a database the seed never ran on, or another password. */
export class SignInRefused extends Error {}

/** One request may take this long before it counts as a network error. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Longest wait a Retry-After may impose, and the wait when the server names none. */
const MAX_PAUSE_MS = 60_000;
const DEFAULT_PAUSE_MS = 5_000;
/** The statuses after which the server asks to be left alone for a while (Retry-After). */
const BACK_OFF = new Set([429, 502, 503, 504]);

type TargetPost = { id: string; owner: string; caption: string; liked: boolean };
type Bot = { username: string; client: ApiClient; posts: TargetPost[] };

/** No HTTP answer at all (the app restarting, nginx down, a timeout). */
class NetworkError extends Error {}

async function send<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const cause = (error as Error).cause;
    throw new NetworkError(cause instanceof Error ? cause.message : (error as Error).message);
  }
}

/** The wait an answer asks for, in milliseconds, within bounds. */
function pauseAfter(headers: Headers | null): number {
  const seconds = Number(headers?.get("retry-after"));
  const asked = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_PAUSE_MS;
  return Math.min(Math.max(asked, 250), MAX_PAUSE_MS);
}

const describe = (answer: ApiResponse) =>
  (answer.body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${answer.status}`;
const time = () => new Date().toISOString().slice(11, 19);
/** Any item of a non-empty list, at random. */
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Runs the bots until `stop` fires and answers what they did. */
export async function runBots(options: BotOptions): Promise<RunTally> {
  const run = new BotRun(options);
  await run.start();
  await run.act();
  return run.tally;
}

class BotRun {
  readonly tally: RunTally;
  private readonly bots: Bot[];

  constructor(private readonly options: BotOptions) {
    this.bots = SEED_BOT_USERNAMES.map((username) => ({
      username,
      client: new ApiClient(options.url, { headers: { accept: "application/json" }, timeoutMs: REQUEST_TIMEOUT_MS }),
      posts: [],
    }));
    this.tally = new RunTally(
      this.bots.map((b) => b.username),
      options.target,
    );
  }

  private get stopped(): boolean {
    return this.options.stop.aborted;
  }

  private active(): Bot[] {
    return this.bots.filter((bot) => bot.posts.length > 0);
  }

  /** Waits ms, or less if the run is stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    const stop = this.options.stop;
    if (stop.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop.addEventListener("abort", done, { once: true });
    });
  }

  /** Signs every bot in and reads what each can like. */
  async start(): Promise<void> {
    const { target } = this.options;
    for (const bot of this.bots) {
      if (!(await this.signIn(bot)) || !(await this.loadPosts(bot))) break;
    }
    if (!this.stopped && this.active().length === 0) {
      this.options.say(
        `simulate: ${target.join(", ")} ha${target.length > 1 ? "ve" : "s"} no photos the bots could like`,
      );
    }
  }

  /**
   * Signs a bot in, retrying while the app is unreachable or asks to wait. False if the run was
   * stopped first; throws SignInRefused if the credentials are refused.
   */
  private async signIn(bot: Bot): Promise<boolean> {
    let networkWaitMs = 1000;
    while (!this.stopped) {
      try {
        bot.client.cookies.clear();
        const answer = await send(() => bot.client.signIn(bot.username, this.options.password));
        if (bot.client.isSignedIn()) return true;
        if (!BACK_OFF.has(answer.status)) {
          throw new SignInRefused(
            `${bot.username} cannot sign in (${answer.status}): is the database seeded (npm run db:seed), and is SEED_PASSWORD the seed's?`,
          );
        }
        this.tally.error(String(answer.status));
        const waitMs = pauseAfter(answer.headers);
        this.options.say(
          `${time()} sign-in as ${bot.username}: ${answer.status}, waiting ${Math.round(waitMs / 1000)} s`,
        );
        await this.pause(waitMs);
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        this.tally.error("network");
        this.options.say(
          `${time()} sign-in as ${bot.username}: ${error.message}, retrying in ${networkWaitMs / 1000} s`,
        );
        await this.pause(networkWaitMs);
        networkWaitMs = Math.min(networkWaitMs * 2, 10_000);
      }
    }
    return false;
  }

  /** What the bot sees of each target's photos: which it likes already (likedByMe). */
  private async loadPosts(bot: Bot): Promise<boolean> {
    const posts: TargetPost[] = [];
    for (const target of this.options.target) {
      if (target === bot.username) continue; // liking one's own photo notifies nobody
      for (;;) {
        if (this.stopped) return false;
        let answer: ApiResponse;
        try {
          answer = await send(() => bot.client.get(`/api/users/${encodeURIComponent(target)}/posts?limit=60`));
        } catch (error) {
          if (!(error instanceof NetworkError)) throw error;
          this.tally.error("network");
          await this.pause(2000);
          continue;
        }
        if (answer.status === 404) throw new UnknownTarget(`--target: there is no user named ${target}`);
        if (answer.status === 200) {
          const items = (answer.body as { items: { id: string; caption: string; likedByMe: boolean }[] }).items;
          posts.push(
            ...items.map((item) => ({ id: item.id, owner: target, caption: item.caption, liked: item.likedByMe })),
          );
          break;
        }
        this.tally.error(String(answer.status));
        if (answer.status === 401 && !(await this.signIn(bot))) return false;
        if (answer.status !== 401) await this.pause(pauseAfter(answer.headers));
      }
    }
    bot.posts = posts;
    return true;
  }

  /** The actions, one every 1/rate seconds, until the run is stopped or nothing is left to like. */
  async act(): Promise<void> {
    const intervalMs = 1000 / this.options.rate;
    let nextAt = Date.now();
    let networkWaitMs = 1000;

    while (!this.stopped && this.active().length > 0) {
      await this.pause(nextAt - Date.now());
      if (this.stopped) break;
      // A slow answer or a pause puts the schedule behind: carry on from now, no burst to catch up.
      nextAt = Math.max(nextAt + intervalMs, Date.now());

      const bot = pick(this.active());
      // Mostly likes while there is something to like, so the owner's inbox grows; unlikes take
      // some back (the owner sees them disappear).
      const liked = bot.posts.filter((post) => post.liked);
      const notLiked = bot.posts.filter((post) => !post.liked);
      const like = notLiked.length > 0 && (liked.length === 0 || Math.random() < 0.6);
      const post = pick(like ? notLiked : liked);

      let answer: ApiResponse;
      try {
        const path = `/api/posts/${encodeURIComponent(post.id)}/like`;
        answer = await send(() => (like ? bot.client.put(path) : bot.client.delete(path)));
        networkWaitMs = 1000;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        this.tally.record(bot.username, post.owner, { error: "network" });
        this.options.say(
          `${time()} ${bot.username}: no answer (${error.message}), retrying in ${networkWaitMs / 1000} s`,
        );
        nextAt = Date.now() + networkWaitMs;
        networkWaitMs = Math.min(networkWaitMs * 2, 10_000);
        continue;
      }

      if (answer.status === 200) {
        const result = answer.body as { liked: boolean; likeCount: number };
        post.liked = result.liked;
        this.tally.record(bot.username, post.owner, like ? "like" : "unlike");
        this.options.say(
          `${time()} ${bot.username} ${like ? "likes" : "unlikes"} ${post.owner}'s "${post.caption}" (${result.likeCount} like${result.likeCount === 1 ? "" : "s"})`,
        );
        continue;
      }
      this.tally.record(bot.username, post.owner, { error: String(answer.status) });
      this.options.say(
        `${time()} ${bot.username} ${like ? "like" : "unlike"} of ${post.owner}'s "${post.caption}": ${answer.status} ${describe(answer)}`,
      );
      if (BACK_OFF.has(answer.status)) {
        nextAt = Date.now() + pauseAfter(answer.headers);
      } else if (answer.status === 401) {
        // The session ended (signed out elsewhere, the secret changed): sign in again and re-read.
        if (!(await this.signIn(bot)) || !(await this.loadPosts(bot))) break;
      } else if (answer.status === 404) {
        bot.posts = bot.posts.filter((p) => p.id !== post.id);
      }
    }
  }
}
