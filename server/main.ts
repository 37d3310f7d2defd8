// The app process: one HTTP server that serves Next.js (pages and /api) and Socket.IO
// (/socket.io/) on the same port, behind nginx. Started by `npm start` / `npm run dev`.
import next from "next";
import { loadEnvOrExit } from "./env";
import { log } from "./log";
import { notificationsQueue } from "./queue";
import { attachRealtime } from "./realtime";
import { createGuardedServer } from "./request-guard";
import { serveAppMetrics } from "./telemetry/metrics-server";

const config = loadEnvOrExit();

const dev = process.argv.includes("--dev");
const app = next({ dev, hostname: config.HOST, port: config.PORT });
const handle = app.getRequestHandler();
await app.prepare();

const server = createGuardedServer(handle);

const realtime = attachRealtime(server);
// Prometheus's GET /metrics, on a port of its own (METRICS_PORT), not this server's.
const metrics = serveAppMetrics(realtime.io);

// The queue's Redis connection, opened now rather than inside the first request that needs it (a
// like's enqueue, or the product health check's backlog probe, which has 1.5 s to answer).
notificationsQueue()
  .waitUntilReady()
  .catch((error: unknown) =>
    log.warn({ err: error }, "queue connection not ready at start; the first enqueue will retry it"),
  );

server.listen(config.PORT, config.HOST, () => {
  log.info({ url: `http://${config.HOST}:${config.PORT}`, dev }, "app ready");
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "app stopping");
  const force = setTimeout(() => {
    log.error("app did not stop within 10 s; exiting");
    process.exit(1);
  }, 10_000);
  force.unref();
  // Requests in flight are answered; a keep-alive connection (nginx keeps up to 32 open) is closed
  // as soon as it is idle, which server.close() alone does only once, when it is called.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  await realtime.close(); // closes the sockets, stops accepting, resolves once every connection is gone
  clearInterval(sweep);
  await metrics.close();
  log.info("app stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
