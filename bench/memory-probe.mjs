// Preloaded into the app process by the bench only (NODE_OPTIONS=--import …), never by the app:
// on SIGUSR2 it writes process.memoryUsage() to $BENCH_PROBE_DIR/memory-<pid>.json, so P5 can
// report the V8 heap beside the RSS it reads from /proc. Nothing runs until the signal arrives.
// Plain JavaScript: it loads before tsx does.
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.BENCH_PROBE_DIR;
if (dir && process.env.SERVICE_NAME === "app") {
  // Says "the probe is here": the bench never sends SIGUSR2 without it (the default action kills).
  writeFileSync(path.join(dir, `probe-${process.pid}`), "");
  process.on("SIGUSR2", () => {
    const file = path.join(dir, `memory-${process.pid}.json`);
    // Written whole, then renamed: the reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
    renameSync(`${file}.tmp`, file);
  });
}
