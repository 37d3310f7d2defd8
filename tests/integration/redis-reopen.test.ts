// server/redis.ts: a connection that ioredis ends though nothing closed it is opened again; one
// that is closed stays closed. The unasked end is provoked the way ioredis's Sentinel failover
// detector causes it: the connector is closed under a connection that is being established.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { Redis } from "ioredis";

Object.assign(process.env, {
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_PREFIX: `likes-reopen-${randomBytes(4).toString("hex")}`,
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/unused",
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  AUTH_TRUST_HOST: "true",
  LOG_LEVEL: "silent",
});
// Imported once the environment above is set: server/env.ts reads it on first use.
const { createRedis } = await import("../../server/redis");
const { eventually } = await import("../support/harness");

const reaches = (client: Redis, status: string, withinMs: number) =>
  eventually(`status ${status}`, () => client.status === status, withinMs, 20);

test("a connection ended under it while connecting is opened again; a closed one stays closed", async () => {
  const client = createRedis("reopen-test");
  // What the failover detector does: the connector is closed while the connection is on its way.
  (client as unknown as { connector: { disconnect(): void } }).connector.disconnect();
  const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
  await ended;
  await reaches(client, "ready", 3000); // opened again after ending unasked
  assert.equal(await client.ping(), "PONG");

  await client.quit();
  await reaches(client, "end", 2000);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(client.status, "end", "a connection that was closed is not opened again");
});
