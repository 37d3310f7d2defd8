// Configuration is validated once, and a bad value names its variable.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseEnv } from "../../server/env";

const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/likes",
  REDIS_URL: "redis://127.0.0.1:6379",
  NEXTAUTH_SECRET: "x".repeat(32),
  AUTH_TRUST_HOST: "true",
};

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

test("a complete environment parses, with defaults filled in", () => {
  const env = parseEnv(valid);
  assert.equal(env.PORT, 3000);
  assert.equal(env.REDIS_PREFIX, "likes");
  assert.equal(env.LIKE_RATE_LIMIT_PER_MINUTE, 120);
  assert.equal(env.AUTH_TRUST_HOST, true);
});

test("missing variables are named", () => {
  assert.deepEqual(
    problems({})
      .map((p) => p.split(":")[0])
      .sort(),
    ["DATABASE_URL", "NEXTAUTH_SECRET", "REDIS_URL"],
  );
  assert.match(problems({ ...valid, DATABASE_URL: "" })[0]!, /^DATABASE_URL: is required/);
});

test("malformed values are named with the reason", () => {
  assert.match(problems({ ...valid, DATABASE_URL: "mysql://x/y" })[0]!, /^DATABASE_URL: must be a postgres/);
  assert.match(problems({ ...valid, NEXTAUTH_SECRET: "short" })[0]!, /^NEXTAUTH_SECRET: must be at least 32/);
  assert.match(problems({ ...valid, PORT: "http" })[0]!, /^PORT:/);
  assert.match(problems({ ...valid, LIKE_RATE_LIMIT_PER_MINUTE: "-3" })[0]!, /^LIKE_RATE_LIMIT_PER_MINUTE:/);
  assert.match(problems({ ...valid, REDIS_PREFIX: "a b" })[0]!, /^REDIS_PREFIX:/);
});

test("next-auth needs NEXTAUTH_URL or a trusted proxy", () => {
  const untrusted: Record<string, string> = { ...valid };
  delete untrusted.AUTH_TRUST_HOST;
  assert.match(problems(untrusted)[0]!, /^NEXTAUTH_URL: is required unless AUTH_TRUST_HOST/);
  assert.equal(parseEnv({ ...untrusted, NEXTAUTH_URL: "http://localhost:8080" }).NEXTAUTH_URL, "http://localhost:8080");
});

test("Redis is one server (REDIS_URL) or a primary found through Sentinel (REDIS_SENTINELS), exactly one", () => {
  const withoutUrl: Record<string, string> = { ...valid };
  delete withoutUrl.REDIS_URL;
  const sentinel = parseEnv({ ...withoutUrl, REDIS_SENTINELS: "10.0.0.1:26379, sentinel-2:26380,localhost:26381" });
  assert.deepEqual(sentinel.REDIS_SENTINELS, [
    { host: "10.0.0.1", port: 26379 },
    { host: "sentinel-2", port: 26380 },
    { host: "localhost", port: 26381 },
  ]);
  assert.equal(sentinel.REDIS_SENTINEL_NAME, "likes");
  assert.equal(sentinel.REDIS_URL, undefined);
  assert.equal(
    parseEnv({ ...withoutUrl, REDIS_SENTINELS: "s:1", REDIS_SENTINEL_NAME: "main" }).REDIS_SENTINEL_NAME,
    "main",
  );
  assert.match(
    problems({ ...valid, REDIS_SENTINELS: "s:26379" })[0]!,
    /^REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both/,
  );
  assert.match(problems(withoutUrl)[0]!, /^REDIS_URL: is required/);
  assert.match(problems({ ...withoutUrl, REDIS_SENTINELS: "s:26379,nope" })[0]!, /^REDIS_SENTINELS: must be host:port/);
  assert.match(
    problems({ ...withoutUrl, REDIS_SENTINELS: "s:1", REDIS_SENTINEL_NAME: "a b" })[0]!,
    /^REDIS_SENTINEL_NAME:/,
  );
});
