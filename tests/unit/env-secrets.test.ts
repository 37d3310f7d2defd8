// Production refuses the public demo secrets (server/demo-secrets.ts) unless told it is a demo;
// the list covers every secret default docker-compose.yml and the example files ship.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  DEMO_OPT_IN,
  demoSecretWarning,
  isPublishedDemoSecret,
  PUBLISHED_DEMO_SECRETS,
  TRIVIAL_SECRETS,
  urlPassword,
} from "../../server/demo-secrets";
import { ConfigError, parseEnv } from "../../server/env";
import { composeSecrets, publishedSecrets } from "../../tooling/demo-secret-sources";
import { ROOT } from "../../tooling/paths";

/** Every value refused by name: the files' published secrets and the trivial ones. */
const DEMO_SECRET_VALUES = [...new Set([...publishedSecrets().map((s) => s.value), ...TRIVIAL_SECRETS])];

const random = () => randomBytes(24).toString("hex");
const real = {
  NODE_ENV: "production",
  DATABASE_URL: `postgresql://likes:${random()}@db.internal:5432/likes`,
  REDIS_URL: `redis://:${random()}@redis.internal:6379`,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  AUTH_TRUST_HOST: "true",
};

/** Where each secret goes in its variable. */
const PLACES = {
  NEXTAUTH_SECRET: (secret: string) => secret,
  DATABASE_URL: (secret: string) => `postgresql://likes:${encodeURIComponent(secret)}@db.internal:5432/likes`,
  REDIS_URL: (secret: string) => `redis://default:${encodeURIComponent(secret)}@redis.internal:6379`,
} as const;
type Place = keyof typeof PLACES;

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

/** The problems of a production environment whose NAME holds `secret`, the rest real. */
const demoLine = (name: Place, secret: string) => problems({ ...real, [name]: PLACES[name](secret) });

test("production refuses every demo secret, naming the variable and the fix", () => {
  for (const name of Object.keys(PLACES) as Place[]) {
    for (const secret of DEMO_SECRET_VALUES) {
      const found = demoLine(name, secret).filter((p) => p.startsWith(`${name}: `) && /demo value/.test(p));
      assert.equal(found.length, 1, `${name} with a demo value is refused: ${JSON.stringify(demoLine(name, secret))}`);
      assert.match(found[0]!, name === "NEXTAUTH_SECRET" ? /openssl rand -base64 32/ : /openssl rand -hex 24/);
      assert.match(found[0]!, new RegExp(`${DEMO_OPT_IN}=true`), "the message names the opt-in for a demo");
    }
  }
});

test("the refusal never carries the secret: its line is the same whichever demo value", () => {
  for (const name of Object.keys(PLACES) as Place[]) {
    const lines = new Set(
      DEMO_SECRET_VALUES.map((secret) =>
        demoLine(name, secret).find((p) => p.startsWith(`${name}: `) && /demo/.test(p)),
      ),
    );
    assert.equal(lines.size, 1, `one message for every value of ${name}: ${[...lines].join(" | ")}`);
    const all = demoLine(name, "dev-only-postgres-password").join("\n");
    assert.ok(!all.includes("dev-only-postgres-password"), all);
  }
});

test("trivial secrets are demo secrets too: an explicit empty password, one repeated character, any dev-only- value", () => {
  assert.ok(demoLine("DATABASE_URL", "").some((p) => p.startsWith("DATABASE_URL: its password is a demo value")));
  assert.ok(demoLine("REDIS_URL", "").some((p) => p.startsWith("REDIS_URL: its password is a demo value")));
  assert.ok(demoLine("NEXTAUTH_SECRET", "x".repeat(32)).some((p) => p.startsWith("NEXTAUTH_SECRET: is a demo value")));
  const unlisted = "dev-only-some-future-default-not-listed-yet";
  assert.ok(demoLine("NEXTAUTH_SECRET", unlisted).some((p) => p.startsWith("NEXTAUTH_SECRET: is a demo value")));
  // No password in the URL is not an empty one: PGPASSWORD, .pgpass or certificates may supply it.
  assert.equal(urlPassword("postgresql://likes@db:5432/likes"), undefined);
  assert.equal(urlPassword("postgresql://likes:@db:5432/likes"), "");
  assert.equal(urlPassword("redis://redis.internal:6379"), undefined);
  assert.deepEqual(
    problems({ ...real, DATABASE_URL: "postgresql://likes@db:5432/likes", REDIS_URL: "redis://r:6379" }),
    [],
  );
});

test("with the opt-in, production starts on demo secrets and warns with their names only", () => {
  const demo = {
    ...real,
    NEXTAUTH_SECRET: "dev-only-secret-public-in-docker-compose-yml-change-me",
    DATABASE_URL: "postgresql://likes:dev-only-postgres-password@pgbouncer:6432/likes",
    [DEMO_OPT_IN]: "true",
  };
  assert.deepEqual(problems(demo), []);
  assert.equal(parseEnv(demo)[DEMO_OPT_IN], true);
  const warning = demoSecretWarning(demo, ["NEXTAUTH_SECRET", "DATABASE_URL", "REDIS_URL"]);
  assert.ok(warning !== null && warning.includes("NEXTAUTH_SECRET, DATABASE_URL"), String(warning));
  assert.ok(!warning.includes("dev-only"), warning);
  // Anything but true or 1 is no opt-in (and a malformed one is named).
  const notOptedIn = problems({ ...demo, [DEMO_OPT_IN]: "yes" });
  assert.ok(notOptedIn.some((p) => p.startsWith(`${DEMO_OPT_IN}: `)));
  assert.ok(notOptedIn.some((p) => p.startsWith("NEXTAUTH_SECRET: is a demo value")));
  assert.ok(problems({ ...demo, [DEMO_OPT_IN]: "false" }).some((p) => p.startsWith("DATABASE_URL: its password")));
});

test("development and test are not refused; a real random secret starts in production", () => {
  const demo = {
    ...real,
    NEXTAUTH_SECRET: "dev-only-secret-public-in-docker-compose-yml-change-me",
    REDIS_URL: "redis://:redis@redis:6379",
  };
  for (const NODE_ENV of ["development", "test"]) assert.deepEqual(problems({ ...demo, NODE_ENV }), [], NODE_ENV);
  const unset: Record<string, string> = { ...demo };
  delete unset.NODE_ENV;
  assert.deepEqual(problems(unset), [], "NODE_ENV unset is development");
  assert.deepEqual(problems(real), []);
  assert.equal(demoSecretWarning({ ...real, [DEMO_OPT_IN]: "true" }, ["NEXTAUTH_SECRET", "DATABASE_URL"]), null);
});

/** Listed: published by hash, or trivial by value. */
const listed = (value: string) => isPublishedDemoSecret(value) || TRIVIAL_SECRETS.includes(value);
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

test("every secret default of docker-compose.yml and every secret of the example files is listed as a demo secret", () => {
  const published = publishedSecrets();
  // .env.compose.example leaves its secrets empty (compose's defaults apply).
  for (const file of ["docker-compose.yml", ".env.example"])
    assert.ok(
      published.some((s) => s.file === file),
      `read ${file}'s secrets`,
    );
  assert.ok(published.filter((s) => s.file === "docker-compose.yml").length >= 5, "read the compose file's defaults");
  const unlisted = published.filter((s) => !listed(s.value)).map((s) => `"${s.file} ${s.name}": "${sha256(s.value)}"`);
  assert.deepEqual(unlisted, [], "add these to PUBLISHED_DEMO_SECRETS in server/demo-secrets.ts");
  // And nothing listed that no file publishes any more.
  const stale = Object.entries(PUBLISHED_DEMO_SECRETS).filter(
    ([, hash]) => !published.some((s) => sha256(s.value) === hash),
  );
  assert.deepEqual(stale, [], "PUBLISHED_DEMO_SECRETS entries no file publishes");
  // The check itself: a new dev-only default, or a secret default of another kind, would be caught.
  const added = composeSecrets("A: ${NEW_PASSWORD:-dev-only-new}\nB: ${API_SECRET:-hunter2hunter2}\n");
  assert.deepEqual(
    added.filter((s) => !listed(s.value)).map((s) => s.value),
    ["dev-only-new", "hunter2hunter2"],
  );
});

/** A script that does not go through server/env.ts, run as the migrate container runs it. */
function runScript(script: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", ...env },
    encoding: "utf8",
  });
}

test("migrate and seed refuse demo secrets in production before touching the database", () => {
  // A dead port: were the refusal missing, the scripts would fail differently (connection refused).
  const demoUrl = "postgresql://likes:dev-only-postgres-password@127.0.0.1:1/likes";
  const migrate = runScript("scripts/migrate.ts", { DATABASE_URL: demoUrl });
  assert.equal(migrate.status, 78, migrate.stderr);
  assert.match(migrate.stderr, /DATABASE_URL: its password is a demo value/);
  assert.ok(!migrate.stderr.includes("dev-only-postgres-password"), migrate.stderr);

  const seed = runScript("prisma/seed.ts", { DATABASE_URL: `postgresql://likes:${random()}@127.0.0.1:1/likes` });
  assert.equal(seed.status, 78, seed.stderr);
  assert.match(seed.stderr, /SEED_PASSWORD: is unset or a demo value/);
  assert.ok(!seed.stderr.includes("DATABASE_URL"), "the real database password passes");
});
