// npm run simulate (scripts/simulate.ts) against a seeded stack: the bots sign in over HTTP, like
// and unlike bob's photos, and what the script says it did is what the database holds afterwards;
// Ctrl-C stops it cleanly; bad options are refused with exit code 64.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { SEED_BOT_USERNAMES } from "../../prisma/seed";
import { DEMO_OPT_IN } from "../../server/demo-secrets";
import { ROOT } from "../../tooling/paths";
import { eventually, startTestStack, type TestStack } from "../support/harness";

let stack: TestStack;
before(async () => {
  // The bots sign in with the seed's public demo password (as `docker compose --profile simulate`
  // does): a demo, which the stack's production processes are told.
  stack = await startTestStack("simulate", { seed: true, env: { [DEMO_OPT_IN]: "true" } });
});
after(() => stack?.stop());

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Starts the script as `npm run simulate` would, without npm; `onStdout` sees its output as it comes. */
function simulate(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  const env = { ...process.env };
  for (const name of ["SIMULATE_URL", "SIMULATE_RATE", "SIMULATE_DURATION", "SIMULATE_TARGET"]) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/simulate.ts", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`simulate did not exit in 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    // "close", not "exit": the process has exited and its pipes have given their last lines.
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

type Tally = { actions: number; likes: number; unlikes: number; errors: number };

/** The summary the script prints at the end: totals, then a line per bot and per target. */
function summaryOf(stdout: string): {
  total: Tally;
  byBot: Map<string, Tally>;
  byTarget: Map<string, Tally>;
  errorsByStatus: string;
} {
  const tally = (text: string): Tally => {
    const m = /(\d+) actions, (\d+) likes, (\d+) unlikes, (\d+) errors/.exec(text);
    assert.ok(m, `a tally in: ${text}`);
    return { actions: Number(m[1]), likes: Number(m[2]), unlikes: Number(m[3]), errors: Number(m[4]) };
  };
  const at = stdout.indexOf("\ntotal: ");
  assert.ok(at >= 0, `a summary in:\n${stdout}`);
  const lines = stdout
    .slice(at + 1)
    .trimEnd()
    .split("\n");
  const section = (heading: string) => {
    const start = lines.indexOf(heading);
    assert.ok(start >= 0, `"${heading}" in the summary`);
    const rows = new Map<string, Tally>();
    for (const line of lines.slice(start + 1)) {
      const m = /^ {2}(\S+)\s+(.*)$/.exec(line);
      if (!m) break;
      rows.set(m[1]!, tally(m[2]!));
    }
    return rows;
  };
  const errors = lines.find((line) => line.startsWith("errors by status"));
  return {
    total: tally(lines[0]!),
    byBot: section("by bot:"),
    byTarget: section("by target:"),
    errorsByStatus: errors ?? "",
  };
}

/** The action lines: "<time> dana likes bob's "…" (3 likes)". */
const actionLines = (stdout: string) =>
  stdout.split("\n").filter((line) => /^\d\d:\d\d:\d\d \S+ (likes|unlikes) \S+'s "/.test(line));

/** How many of bob's photos each bot likes, read from the database. */
async function botLikesOnBob(): Promise<Map<string, number>> {
  const rows = await stack.db.$queryRaw<{ username: string; n: number }[]>`
    SELECT u.username, count(l."postId")::int AS n
    FROM "User" u
    LEFT JOIN "Like" l ON l."userId" = u.id AND l."postId" IN (SELECT p.id FROM "Post" p JOIN "User" o ON o.id = p."authorId" WHERE o.username = 'bob')
    WHERE u.username = ANY(${[...SEED_BOT_USERNAMES]}::text[])
    GROUP BY u.username`;
  return new Map(rows.map((r) => [r.username, r.n]));
}

/** (liker, photo) pairs: of the likes of bob's photos by others, and of bob's notifications. */
async function bobsLikesAndNotifications(): Promise<{ likes: string[]; notifications: string[] }> {
  const likes = await stack.db.$queryRaw<{ pair: string }[]>`
    SELECT l."userId" || ' ' || l."postId" AS pair FROM "Like" l JOIN "Post" p ON p.id = l."postId" JOIN "User" o ON o.id = p."authorId"
    WHERE o.username = 'bob' AND l."userId" <> o.id ORDER BY 1`;
  const notifications = await stack.db.$queryRaw<{ pair: string }[]>`
    SELECT n."actorId" || ' ' || n."postId" AS pair FROM "Notification" n JOIN "User" o ON o.id = n."recipientId"
    WHERE o.username = 'bob' ORDER BY 1`;
  return { likes: likes.map((r) => r.pair), notifications: notifications.map((r) => r.pair) };
}

test(
  "--rate 20 --duration 3 --target bob: the bots like and unlike bob's photos, and the summary is what happened",
  { timeout: 90_000 },
  async () => {
    const before = await botLikesOnBob();
    const run = await simulate(["--url", stack.url, "--rate", "20", "--duration", "3", "--target", "bob"]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const summary = summaryOf(run.stdout);

    // Signing in takes some of the 3 s; at 20 a second there is time for a good number, never more.
    assert.ok(summary.total.actions >= 15 && summary.total.actions <= 61, `actions: ${summary.total.actions}`);
    assert.equal(summary.total.errors, 0, run.stdout);
    assert.equal(summary.errorsByStatus, "errors by status (every request, signing in too): none");
    assert.equal(summary.total.likes + summary.total.unlikes, summary.total.actions);
    assert.ok(summary.total.likes > 0 && summary.total.unlikes > 0, "a mix of likes and unlikes");
    assert.equal(actionLines(run.stdout).length, summary.total.actions, "a line for each action");
    assert.deepEqual([...summary.byTarget.keys()], ["bob"]);
    assert.deepEqual(summary.byTarget.get("bob"), summary.total);
    assert.deepEqual([...summary.byBot.keys()].sort(), [...SEED_BOT_USERNAMES].sort());
    const sum = (key: keyof Tally) => [...summary.byBot.values()].reduce((n, t) => n + t[key], 0);
    assert.deepEqual(
      { actions: sum("actions"), likes: sum("likes"), unlikes: sum("unlikes"), errors: sum("errors") },
      summary.total,
    );

    // Each action changed that bot's like (it likes only what it does not like yet, and the other
    // way round), so the database moved by exactly likes − unlikes per bot.
    const after = await botLikesOnBob();
    for (const bot of SEED_BOT_USERNAMES) {
      const tally = summary.byBot.get(bot)!;
      assert.equal(after.get(bot)! - before.get(bot)!, tally.likes - tally.unlikes, `${bot}: ${JSON.stringify(tally)}`);
    }
    // Bob's inbox settles on exactly the likes that exist, each once; the counts match the rows.
    await eventually("bob's notifications match the likes of his photos", async () => {
      const { likes, notifications } = await bobsLikesAndNotifications();
      return likes.length > 0 && JSON.stringify(likes) === JSON.stringify(notifications);
    });
    const miscounted = await stack.db.$queryRaw<{ id: string }[]>`
    SELECT p.id FROM "Post" p WHERE p."likeCount" <> (SELECT count(*) FROM "Like" l WHERE l."postId" = p.id)`;
    assert.deepEqual(miscounted, []);
  },
);

test(
  "without --duration it runs until SIGINT, then finishes cleanly with its summary",
  { timeout: 90_000 },
  async () => {
    let signalled = false;
    const run = await simulate(["--url", stack.url, "--rate", "5", "--target", "bob,carol"], (stdout, child) => {
      if (!signalled && actionLines(stdout).length > 0) {
        signalled = true;
        child.kill("SIGINT");
      }
    });
    assert.ok(signalled, `it printed an action:\n${run.stdout}\n${run.stderr}`);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /SIGINT, stopping after the request in flight/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    const summary = summaryOf(run.stdout);
    assert.ok(summary.total.actions >= 1);
    assert.equal(actionLines(run.stdout).length, summary.total.actions);
    assert.deepEqual([...summary.byTarget.keys()], ["bob", "carol"]);
  },
);

test("bad options exit 64 with a message saying what is wrong", { timeout: 60_000 }, async () => {
  const cases: [string[], RegExp][] = [
    [["--rate", "fast"], /--rate must be a number/],
    [["--rate", "0"], /--rate must be above 0/],
    [["--duration=-2"], /--duration must be above 0/],
    [["--url", "ftp://example.com"], /--url must be an http\(s\) URL/],
    [["--target", "bob;drop"], /usernames are letters, digits and _/],
    [["--speed", "3"], /Unknown option '--speed'/],
    [["--url", stack.url, "--target", "nobody_by_that_name"], /no user named nobody_by_that_name/],
  ];
  for (const [args, message] of cases) {
    const run = await simulate(args);
    assert.equal(run.code, 64, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, message, args.join(" "));
    assert.match(run.stderr, /usage: npm run simulate/);
  }
});
