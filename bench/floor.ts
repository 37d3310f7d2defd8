// Starting the floors on the floor's own database, each direct and behind an nginx of its own
// rendered from the very same templates as the app's (tooling/nginx.ts), so a floor can be
// measured both ways: direct (the bare minimum) and through nginx (the app's path minus the app).
//   node  bench/floor-server.ts: node:http and pg, nothing else
//   next  bench/next-floor/: the same answers from Next.js route handlers under a custom server
//         shaped like the app's, built by buildNextFloor() in every run
import path from "node:path";
import { startNginx } from "../tooling/nginx";
import { ROOT } from "../tooling/paths";
import { freePort, spawnProc, waitFor, type Proc } from "../tooling/processes";

export type Floor = { directUrl: string; nginxUrl: string; proc: Proc; stop(): Promise<void> };
export type FloorKind = "node" | "next";

export const NEXT_FLOOR_DIR = path.join(import.meta.dirname, "next-floor");

const FLOORS = {
  node: { name: "floor", script: path.join(import.meta.dirname, "floor-server.ts"), ready: "floor ready" },
  next: { name: "next-floor", script: path.join(NEXT_FLOOR_DIR, "server.ts"), ready: "next floor ready" },
} as const;

/**
 * `next build` of the Next.js floor, into bench/next-floor/.next (git-ignored), with the app's Next
 * and node_modules, telemetry off. `built` resolves once built, or rejects with the build's last
 * lines; `stop()` ends a build still running (the run was interrupted or failed meanwhile).
 */
export function buildNextFloor(logFile: string): { built: Promise<void>; stop(): Promise<unknown> } {
  const proc = spawnProc(
    "next-floor build",
    path.join(ROOT, "node_modules", ".bin", "next"),
    ["build", NEXT_FLOOR_DIR],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      logFile,
    },
  );
  const built = proc.exited.then((code) => {
    if (code !== 0)
      throw new Error(`next build of bench/next-floor failed (${code}):\n${proc.lines.slice(-30).join("\n")}`);
  });
  // Awaited by the caller later; a failure must not go unhandled meanwhile.
  built.catch(() => undefined);
  return { built, stop: () => proc.stop() };
}

export async function startFloor(opts: {
  kind: FloorKind;
  databaseUrl: string;
  poolMax: number;
  runDir: string;
  nginxRates: { apiRatePerSecond: number; apiBurst: number };
}): Promise<Floor> {
  const floor = FLOORS[opts.kind];
  const port = await freePort();
  const proc = spawnProc(floor.name, process.execPath, ["--import", "tsx", floor.script], {
    env: {
      ...process.env,
      // As the app runs (npm start): Next's production mode; the node floor ignores it.
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      POOL_MAX: String(opts.poolMax),
    },
    logFile: path.join(opts.runDir, `${floor.name}.log`),
  });
  let nginx: Awaited<ReturnType<typeof startNginx>> | null = null;
  try {
    await waitFor(`${floor.name} ready`, async () => proc.lines.includes(floor.ready), { proc, timeoutMs: 30_000 });
    nginx = await startNginx({
      runDir: path.join(opts.runDir, `${floor.name}-nginx`),
      upstreams: [`127.0.0.1:${port}`],
      httpPort: await freePort(),
      httpsPort: await freePort(),
      ...opts.nginxRates,
    });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const running = nginx;
  return {
    directUrl: `http://127.0.0.1:${port}`,
    nginxUrl: running.httpUrl,
    proc,
    async stop() {
      await running.stop().catch(() => undefined);
      await proc.stop();
    },
  };
}
