// npm run uploads:sweep   one pass of the uploads sweeper, by hand (the worker runs it every
// UPLOADS_SWEEP_INTERVAL_MS): removes photo files in UPLOADS_DIR that no post shows and stale
// temporary files, each only once older than UPLOADS_SWEEP_GRACE_MS. Prints what it did as JSON.
import { db } from "../server/db";
import { loadEnvOrExit } from "../server/env";
import { log } from "../server/log";
import { sweepUploads, uploadsDir } from "../server/uploads";

const config = loadEnvOrExit();
process.env.SERVICE_NAME ??= "uploads-sweep";

try {
  const result = await sweepUploads({ graceMs: config.UPLOADS_SWEEP_GRACE_MS });
  log.info({ ...result, dir: uploadsDir(), graceMs: config.UPLOADS_SWEEP_GRACE_MS }, "uploads sweep done");
  console.log(JSON.stringify(result));
} finally {
  await db().$disconnect();
}
