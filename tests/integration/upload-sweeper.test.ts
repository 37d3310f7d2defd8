// The uploads sweeper (server/uploads.ts, docs/decisions/030-deleting-posts-and-sweeping-uploads.md):
// a posting process killed between writing the photo's file and committing its row leaves a file
// no post shows; the worker's sweeper removes it once it is older than the grace period, and so
// does `npm run uploads:sweep`. Neither ever removes a file a post shows, a fresh file, or a name
// it did not make.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { UPLOAD_NAME } from "../../server/uploads";
import { ROOT } from "../../tooling/paths";
import { jpeg } from "../../tooling/test-images";
import { createUser, eventually, signedInClient, startTestStack, type TestStack } from "../support/harness";

const GRACE_MS = 3600_000;
let stack: TestStack;
let dir: string;
let scratch: string;
before(async () => {
  stack = await startTestStack("upload-sweeper", {
    // A pass every 300 ms, so the test sees one soon; files count as old only after an hour.
    env: { UPLOADS_SWEEP_INTERVAL_MS: "300", UPLOADS_SWEEP_GRACE_MS: String(GRACE_MS) },
  });
  dir = stack.env.UPLOADS_DIR!;
  scratch = await mkdtemp(path.join(tmpdir(), "likes-sweeper-test-"));
});
after(async () => {
  await stack?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const at = (name: string) => path.join(dir, name);
/** Makes a file look `ms` old, as a file written that long ago is. */
const age = (name: string, ms = 2 * GRACE_MS) => utimes(at(name), new Date(Date.now() - ms), new Date(Date.now() - ms));
/** A file as storeUpload names it (the SHA-256 of its bytes), that no post shows. */
async function looseUpload(): Promise<string> {
  const bytes = randomBytes(256);
  const name = `${createHash("sha256").update(bytes).digest("hex")}.jpg`;
  await writeFile(at(name), bytes);
  return name;
}
const uploadNames = async () => (await readdir(dir)).filter((n) => UPLOAD_NAME.test(n));

async function postedPhoto(width: number): Promise<string> {
  const user = await createUser(stack.db);
  const client = await signedInClient(stack.url, user);
  const form = new FormData();
  form.set("photo", new Blob([new Uint8Array(await jpeg(width, 80))], { type: "image/jpeg" }), "p.jpg");
  const res = await client.postForm("/api/posts", form);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return path.basename(res.body.imageUrl as string);
}

/**
 * A real posting process (tests/support/post-photo-process.ts) killed after it wrote the file and
 * before its row committed: its INSERT is held up by a lock on the Post table, and the process is
 * SIGKILLed while it waits. Answers the file's name.
 */
async function crashBetweenFileAndRow(): Promise<string> {
  const user = await createUser(stack.db);
  const photoPath = path.join(scratch, "photo.jpg");
  await writeFile(photoPath, await jpeg(150, 100));
  const before = new Set(await uploadNames());

  const blocker = new pg.Client({ connectionString: stack.databaseUrl });
  await blocker.connect();
  try {
    await blocker.query("BEGIN");
    await blocker.query('LOCK TABLE "Post" IN SHARE MODE'); // INSERTs wait; reads do not
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "tests/support/post-photo-process.ts"), user.id, photoPath],
      { cwd: ROOT, env: { ...process.env, ...stack.env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );

    // The file is written, and the row's INSERT waits for the table lock.
    const name = await eventually(
      `the child's file (${output})`,
      async () => (await uploadNames()).find((n) => !before.has(n)),
      30_000,
    );
    await eventually("the child's INSERT waiting", async () => {
      const { rows } = await blocker.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE relation = '"Post"'::regclass AND NOT granted`,
      );
      return rows[0].n > 0;
    });
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL", output);
    await blocker.query("ROLLBACK");
    // The killed process never commits: no post shows the file.
    assert.equal(await stack.db.post.count({ where: { imageUrl: `/uploads/${name}` } }), 0);
    assert.equal(await stack.db.post.count({ where: { authorId: user.id } }), 0);
    return name;
  } finally {
    await blocker.end();
  }
}

test("the worker sweeps a crash's orphan once past the grace period; a file a post shows and a fresh one stay", async () => {
  const fresh = await looseUpload(); // no post shows it, but it is new: a post may be on its way
  const shown = await postedPhoto(120);
  await age(shown);

  const orphan = await crashBetweenFileAndRow();
  assert.ok(existsSync(at(orphan)), "the crash left the file");
  await age(orphan);
  await eventually("the orphan swept", () => !existsSync(at(orphan)), 20_000);

  // One more aged orphan, written after everything above: once it is gone, a whole pass has looked
  // at the shown file (aged) and the fresh one, and kept both.
  const canary = await looseUpload();
  await age(canary);
  await eventually("a later pass", () => !existsSync(at(canary)), 20_000);
  assert.ok(existsSync(at(shown)), "a file a post shows is never swept, however old");
  assert.ok(existsSync(at(fresh)), "a file younger than the grace period is left");
});

test("npm run uploads:sweep: orphans and stale temporary files past the grace period go, nothing else", async () => {
  // The worker's sweeper stopped, so these counts are the script's alone.
  const worker = stack.workers[0]!;
  await worker.stop("SIGTERM");
  stack.workers.splice(stack.workers.indexOf(worker), 1);

  const orphan = await looseUpload();
  await age(orphan);
  const shown = await postedPhoto(130);
  await age(shown);
  const fresh = await looseUpload();
  const staleTemp = `.tmp-${randomBytes(8).toString("hex")}`;
  const freshTemp = `.tmp-${randomBytes(8).toString("hex")}`;
  await writeFile(at(staleTemp), "cut short");
  await age(staleTemp);
  await writeFile(at(freshTemp), "being written");
  const notOurs = "README.txt"; // a name storeUpload never makes: never touched
  await writeFile(at(notOurs), "left by an operator");
  await age(notOurs);

  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/sweep-uploads.ts")], {
        cwd: ROOT,
        env: { ...process.env, ...stack.env, UPLOADS_SWEEP_GRACE_MS: String(GRACE_MS), LOG_LEVEL: "warn" },
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      child.on("exit", (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    },
  );
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
  assert.equal(result.orphansRemoved, 1);
  assert.equal(result.temporariesRemoved, 1);
  // Both photos posted in this file are shown; the two fresh files (and the first test's) are young.
  assert.equal(result.referenced, 2);
  assert.ok(result.tooYoung >= 2, JSON.stringify(result));

  assert.equal(existsSync(at(orphan)), false);
  assert.equal(existsSync(at(staleTemp)), false);
  for (const kept of [shown, fresh, freshTemp, notOurs]) assert.ok(existsSync(at(kept)), `${kept} kept`);
});
