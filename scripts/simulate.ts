// npm run simulate: company for one person trying the app alone. The seeded bots (dana, eli, farah
// and gus, prisma/seed.ts; tooling/simulate/bots.ts) sign in through the real HTTP API, as a
// browser does, and like and unlike the photos of alice, bob and carol (or of --target) at a
// steady rate, so their inboxes fill, group and change while they watch. Ctrl-C stops it after
// the request in flight and prints what it did.
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
import { runBots, UnknownTarget } from "../tooling/simulate/bots";

const EX_USAGE = 64;
const USAGE =
  "usage: npm run simulate -- [--url=http://localhost:8080] [--rate=1] [--duration=SECONDS] [--target=alice,bob,carol]";

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

const options = readOptions(process.argv.slice(2));
// The whole run, signing in included, ends on time: like a Ctrl-C, after the request in flight.
if (options.duration) setTimeout(() => stopping.abort(), options.duration * 1000).unref();
console.log(
  `simulate: ${SEED_BOT_USERNAMES.join(", ")} at ${options.url}, ${options.rate} action(s)/s on the photos of ${options.target.join(", ")}${options.duration ? ` for ${options.duration} s` : " until Ctrl-C"}`,
);
try {
  const tally = await runBots({
    ...options,
    password: process.env.SEED_PASSWORD || "demo1234",
    stop: stopping.signal,
    say: (line) => console.log(line),
  });
  console.log(tally.summary());
  process.exit(0);
} catch (error) {
  if (error instanceof UnknownTarget) usageError(error.message);
  // A refused sign-in says what to check; anything else was not expected. Either way one line, no stack trace.
  console.error(`simulate: ${(error as Error).message}`);
  process.exit(1);
}
