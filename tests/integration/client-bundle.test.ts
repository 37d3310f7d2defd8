// Server-only code never reaches the browser: the built client bundle holds none of its marks.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ROOT } from "../../tooling/paths";

// Strings that exist only in server modules or server-only packages.
const SERVER_MARKS = [
  "DATABASE_URL",
  "NEXTAUTH_SECRET",
  "passwordHash",
  "@prisma/client",
  "$queryRaw",
  "argon2",
  "ioredis",
  "bullmq",
  "OutboxEvent",
  "REDIS_PREFIX",
];

test("the client bundle contains no server-only code", () => {
  const dir = path.join(ROOT, ".next", "static");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
  assert.ok(files.length > 0, "no client bundle: run the build first");
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const mark of SERVER_MARKS) assert.ok(!text.includes(mark), `${mark} found in client file ${file}`);
  }
});
