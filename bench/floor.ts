// Starting the floor (bench/floor-server.ts) on its own database, direct and behind an nginx of
// its own rendered from the very same templates as the app's (tooling/nginx.ts), so the floor
// can be measured both ways: direct (the bare minimum) and through nginx (the app's path minus
// the app).
import path from "node:path";
import { startNginx } from "../tooling/nginx";
import { freePort, spawnProc, waitFor, type Proc } from "../tooling/processes";

export type Floor = { directUrl: string; nginxUrl: string; proc: Proc; stop(): Promise<void> };

export async function startFloor(opts: {
  databaseUrl: string;
  poolMax: number;
  runDir: string;
  nginxRates: { apiRatePerSecond: number; apiBurst: number };
}): Promise<Floor> {
  const port = await freePort();
  const proc = spawnProc(
    "floor",
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "floor-server.ts")],
    {
      env: { ...process.env, DATABASE_URL: opts.databaseUrl, PORT: String(port), POOL_MAX: String(opts.poolMax) },
      logFile: path.join(opts.runDir, "floor.log"),
    },
  );
  let nginx: Awaited<ReturnType<typeof startNginx>> | null = null;
  try {
    await waitFor("floor ready", async () => proc.lines.includes("floor ready"), { proc, timeoutMs: 30_000 });
    nginx = await startNginx({
      runDir: path.join(opts.runDir, "floor-nginx"),
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
