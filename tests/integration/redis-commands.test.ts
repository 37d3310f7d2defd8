// tooling/redis-commands.ts, the counter behind the bench's P7, against a real redis-server: each
// command is counted once, for the process and connection that sent it, scripts by name (the
// project's by their text, BullMQ's by the SHA1 of what it ships), and nothing of another process.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { countRedisCommands, unrepr } from "../../tooling/redis-commands";
import { INCREMENT } from "../../server/rate-limit";
import { startPrivateRedis, type RedisServer } from "../../tooling/redis";

const PREFIX = "likes-test-commands";
let runDir: string;
let redis: RedisServer;
before(async () => {
  runDir = mkdtempSync(path.join(tmpdir(), "likes-redis-commands-"));
  redis = await startPrivateRedis(runDir);
});
after(async () => {
  await redis?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

test("unrepr undoes MONITOR's quoting of an argument", () => {
  assert.equal(unrepr(String.raw`a\nb\r\t\"q\" \\ \x41\x07`), 'a\nb\r\t"q" \\ A\x07');
});

test("counts each command by process, connection and script, and leaves other processes out", async () => {
  const counter = await countRedisCommands({
    url: redis.url,
    processes: { tests: process.pid },
    prefix: PREFIX,
    knownScripts: { "rate limit": INCREMENT },
  });
  const client = new Redis(redis.url, { connectionName: `${PREFIX}:probe` });
  const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("counted", { connection: queueConnection });
  try {
    await client.ping();
    await queue.waitUntilReady();
    await counter.mark(); // connecting (CLIENT SETNAME, INFO…) is not what this test counts
    await client.set(`${PREFIX}:a`, "1");
    await client.set(`${PREFIX}:b`, "2");
    await client.eval(INCREMENT, 1, `${PREFIX}:rl`, 60_000);
    await queue.add("job", { n: 1 });
    // Another process's command: seen by MONITOR, not counted for this one.
    execFileSync("redis-cli", ["-p", String(redis.port), "SET", `${PREFIX}:other`, "x"]);
    await new Promise((r) => setTimeout(r, 200)); // MONITOR's lines arrive after the replies
    const counts = await counter.mark();
    assert.deepEqual(Object.keys(counts), ["tests"]);
    const tests = counts.tests!;
    assert.equal(tests["probe / set"], 2);
    assert.equal(tests["probe / rate limit"], 1);
    const added = Object.entries(tests).filter(([key]) => key.endsWith(" / bullmq addStandardJob"));
    assert.equal(added.length, 1, `one addStandardJob in ${JSON.stringify(tests)}`);
    assert.equal(added[0]![1], 1);
    assert.equal(Object.values(await counter.mark()).length, 0, "a mark starts the count anew");
  } finally {
    await counter.stop();
    await queue.close();
    queueConnection.disconnect(); // a connection handed to BullMQ stays the caller's to close
    client.disconnect();
  }
});
