// Where the running stack is: set by global-setup.ts, read by the fixtures.
import path from "node:path";
import { ROOT } from "../../tooling/paths";

/** Logs of every process (app-1.log, worker-1.log, redis.log, nginx/) and stack.json. */
export const E2E_RUN_DIR = path.join(ROOT, ".test-stacks", "e2e");
export const STACK_FILE = path.join(E2E_RUN_DIR, "stack.json");

export type StackInfo = {
  /** nginx, plain HTTP: the suite's baseURL. */
  httpUrl: string;
  /** nginx, TLS with a self-signed certificate. */
  httpsUrl: string;
  /** The stack's own database (fresh, dropped at teardown); fixtures write users and posts to it. */
  databaseUrl: string;
  /** The app servers behind nginx, for debugging. */
  apps: string[];
  runDir: string;
};

/** What globalSetup put in the environment (worker processes inherit it). */
export function stackInfo(): Pick<StackInfo, "httpUrl" | "httpsUrl" | "databaseUrl"> {
  const { E2E_BASE_URL, E2E_HTTPS_URL, E2E_DATABASE_URL } = process.env;
  if (!E2E_BASE_URL || !E2E_HTTPS_URL || !E2E_DATABASE_URL) {
    throw new Error(
      "No e2e stack in the environment: run the suite with `npx playwright test` (its globalSetup starts the stack)",
    );
  }
  return { httpUrl: E2E_BASE_URL, httpsUrl: E2E_HTTPS_URL, databaseUrl: E2E_DATABASE_URL };
}
