// The Next.js floor's process: the shape of the app's server/main.ts (node:http, Next's request
// handler in production mode, the same guard in front of it, the same keep-alive timeouts) around
// a Next app that holds nothing but the two route handlers under app/api/. Kept out: Socket.IO (the
// floor sends no event and no client opens a socket to it), the metrics listener and the queue's
// Redis connection (nothing here records or enqueues). Built and started by the bench only
// (bench/floor.ts), on the floor's database.
//
// Env: DATABASE_URL, PORT, POOL_MAX. Prints "next floor ready" once listening.
import next from "next";
import { createGuardedServer } from "../../server/request-guard";

const port = Number(process.env.PORT);
const app = next({ dev: false, dir: import.meta.dirname, hostname: "127.0.0.1", port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createGuardedServer(handle);
server.listen(port, "127.0.0.1", () => console.log("next floor ready"));

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  process.exit(0);
});
