// The .dockerignore matcher behind `npm run check:config`'s "the image's type-check stays inside
// its build context" check: Docker's rules, and this project's own file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { isExcluded, parseDockerignore } from "../../tooling/dockerignore";

const ROOT = path.resolve(import.meta.dirname, "../..");

test("patterns are anchored at the context root; ** crosses directories", () => {
  const rules = parseDockerignore("*.log\n**/*.tmp\n");
  assert.equal(isExcluded(rules, "build.log"), true);
  assert.equal(isExcluded(rules, "logs/build.log"), false, "*.log is not **/*.log");
  assert.equal(isExcluded(rules, "a.tmp"), true);
  assert.equal(isExcluded(rules, "deep/down/a.tmp"), true);
});

test("a directory pattern excludes everything below it; leading and trailing slashes don't matter", () => {
  const rules = parseDockerignore("tests\n/server/generated/\n");
  assert.equal(isExcluded(rules, "tests/support/harness.ts"), true);
  assert.equal(isExcluded(rules, "server/generated/prisma/client.ts"), true);
  assert.equal(isExcluded(rules, "server/db.ts"), false);
  assert.equal(isExcluded(rules, "testsuite.ts"), false, "a prefix of a name is not the directory");
});

test("! lets a path back in; the last matching line wins", () => {
  const rules = parseDockerignore(".env\n.env.*\n!.env.example\n");
  assert.equal(isExcluded(rules, ".env.local"), true);
  assert.equal(isExcluded(rules, ".env.example"), false);
  const relapse = parseDockerignore("docs\n!docs/keep.md\ndocs/keep.md\n");
  assert.equal(isExcluded(relapse, "docs/keep.md"), true);
});

test("comments, blank lines, ? and character classes", () => {
  const rules = parseDockerignore("# a comment\n\nfile?.txt\nv[0-9].json\n[!a]x\n");
  assert.equal(isExcluded(rules, "# a comment"), false);
  assert.equal(isExcluded(rules, "file1.txt"), true);
  assert.equal(isExcluded(rules, "file12.txt"), false);
  assert.equal(isExcluded(rules, "v7.json"), true);
  assert.equal(isExcluded(rules, "vx.json"), false);
  assert.equal(isExcluded(rules, "bx"), true);
  assert.equal(isExcluded(rules, "ax"), false);
});

test("this project's .dockerignore keeps what the image runs and leaves tests, secrets and state out", () => {
  const rules = parseDockerignore(readFileSync(path.join(ROOT, ".dockerignore"), "utf8"));
  for (const kept of [
    "app/page.tsx",
    "server/main.ts",
    "workers/notifications.ts",
    "scripts/migrate.ts",
    "tooling/migrations.ts",
    "prisma/schema.prisma",
    "package.json",
    ".env.example",
  ]) {
    assert.equal(isExcluded(rules, kept), false, kept);
  }
  for (const left of [
    "tests/support/harness.ts",
    "e2e/fixtures.ts",
    ".env",
    ".env.local",
    "node_modules/next/package.json",
    ".git/HEAD",
    "nginx/certs/key.pem",
  ]) {
    assert.equal(isExcluded(rules, left), true, left);
  }
});
