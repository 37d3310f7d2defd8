// Playwright globalSetup: builds the app if needed and starts the whole stack behind nginx —
// a fresh Postgres database, a private Redis, one app server, one worker, nginx (HTTP and HTTPS) —
// on free ports. Tests learn the URLs from the environment set here (inherited by the worker
// processes); <runDir>/stack.json has them too, for a human debugging a run.
// global-teardown.ts stops it all.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO_OPT_IN } from "../server/demo-secrets";
import { buildIfNeeded } from "../tooling/next-build";
import { nginxOnFreePorts } from "../tooling/nginx";
import { ROOT } from "../tooling/paths";
import { startStack, type Stack } from "../tooling/stack";
import { E2E_RUN_DIR, STACK_FILE, type StackInfo } from "./support/stack-info";

// Shared with global-teardown.ts: Playwright runs both in its main process.
const holder = globalThis as unknown as { __likesE2eStack?: Stack };

function log(line: string) {
  console.log(`[e2e stack] ${line}`);
}

export default async function globalSetup(): Promise<void> {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const started = Date.now();
  buildIfNeeded(log);
  // No NEXTAUTH_URL, not even one exported in the shell (the stack's processes inherit this
  // environment): with AUTH_TRUST_HOST=true (set by startStack) next-auth takes the origin from
  // nginx's X-Forwarded-Host/Proto, so one app serves the HTTP and the HTTPS listener and HTTPS
  // sessions get the __Secure- cookie. A NEXTAUTH_URL would pin every URL and cookie to itself.
  delete process.env.NEXTAUTH_URL;

  const stack = await startStack({
    runDir: E2E_RUN_DIR,
    apps: 1,
    workers: 1,
    redis: "private",
    seed: true,
    nginx: nginxOnFreePorts({
      // Every test signs several users in from 127.0.0.1, two workers at once, and clicks fast:
      // the production per-address limits (nginx/defaults.env: 20 r/s API, 10 sign-ins a minute)
      // would answer 429. The suite tests the app, not nginx's limits (tests/unit covers those).
      apiRatePerSecond: 1000,
      apiBurst: 1000,
      signinRatePerMinute: 6000,
      signinBurst: 1000,
      log,
    }),
    env: {
      LIKE_RATE_LIMIT_PER_MINUTE: "10000",
      // One toast per (owner, liker, photo) per minute: "at most one toast" holds in the storm
      // tests however slowly this machine clicks. Each test's users are its own.
      NOTIFICATION_TOAST_COOLDOWN_MS: "60000",
      LOG_LEVEL: "warn",
      // The seeded users (screenshots.spec.ts signs them in) get the seed's public demo password,
      // which the stack's production processes refuse unless told this is a demo.
      [DEMO_OPT_IN]: "true",
    },
    report: log,
  });
  holder.__likesE2eStack = stack;

  try {
    if (!stack.httpUrl || !stack.httpsUrl) throw new Error("startStack returned no nginx URLs");
    const info: StackInfo = {
      httpUrl: stack.httpUrl,
      httpsUrl: stack.httpsUrl,
      databaseUrl: stack.databaseUrl,
      apps: stack.apps.map((a) => a.url),
      runDir: path.relative(ROOT, E2E_RUN_DIR),
    };
    writeFileSync(STACK_FILE, JSON.stringify(info, null, 2) + "\n");
    // Worker processes are forked after globalSetup and inherit this environment.
    process.env.E2E_BASE_URL = info.httpUrl;
    process.env.E2E_HTTPS_URL = info.httpsUrl;
    process.env.E2E_DATABASE_URL = info.databaseUrl;
    log(
      `up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${info.httpUrl} ${info.httpsUrl} (logs in ${info.runDir})`,
    );
  } catch (error) {
    await stack.stop();
    delete holder.__likesE2eStack;
    throw error;
  }
}
