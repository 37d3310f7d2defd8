// Preloaded into the app and the worker by `npm run bench -- --profile` only (NODE_OPTIONS=--import …;
// node refuses --cpu-prof there). It starts V8's sampling profiler at load and, on SIGTERM (the
// stack's graceful stop), writes the profile to $BENCH_PROFILE_DIR/<service>-<pid>.cpuprofile
// before the process's own shutdown runs: an in-thread inspector session answers synchronously.
// Plain JavaScript: it loads before tsx does.
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.BENCH_PROFILE_DIR;
const service = process.env.SERVICE_NAME;
if (dir && (service === "app" || service === "worker")) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 }); // µs
  session.post("Profiler.start");
  let written = false;
  process.prependListener("SIGTERM", () => {
    if (written) return;
    written = true;
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
