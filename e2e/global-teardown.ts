// Playwright globalTeardown: stops what global-setup.ts started (nginx, app, worker, Redis) and
// drops the stack's database. Playwright runs it after the tests, failed or not, and also when
// the run is interrupted (Ctrl-C) once globalSetup has completed.
import type { Stack } from "../tooling/stack";

const holder = globalThis as unknown as { __likesE2eStack?: Stack };

export default async function globalTeardown(): Promise<void> {
  const stack = holder.__likesE2eStack;
  if (!stack) return;
  delete holder.__likesE2eStack;
  const started = Date.now();
  await stack.stop();
  console.log(`[e2e stack] stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
