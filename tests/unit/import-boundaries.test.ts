// The import boundaries of eslint.config.js, checked by linting small snippets as if they lived in
// each folder: every forbidden import is reported, in each of its spellings ("@/…", "../…",
// "../../…", "./…"), and the imports each folder is meant to make are not. A pattern that stopped
// matching would otherwise pass `npm run lint` in silence.
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, test } from "node:test";
import { ESLint } from "eslint";
import { ROOT } from "../../tooling/paths";
const RULE = "no-restricted-imports";

let eslint: ESLint;
before(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The boundary messages ESLint reports for `import … from source` in a file at `file`. */
async function violations(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from "${source}";\nexport const y = x;\n`, {
    filePath: path.join(ROOT, file),
  });
  assert.ok(result, `a lint result for ${file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} parses`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

/** [file the snippet is linted as, what it imports] */
const FORBIDDEN: [string, string][] = [
  // server/ and workers/: nothing of app/, tooling/, scripts/, bench/, tests/, e2e/.
  ["server/example.ts", "@/app/lib/format"],
  ["server/example.ts", "../app/lib/format"],
  ["server/example.ts", "../tooling/stack"],
  ["server/nested/example.ts", "../../tooling/stack"],
  ["server/example.ts", "../scripts/migrate"],
  ["workers/example.ts", "../bench/run"],
  ["workers/example.ts", "@/tests/support/harness"],
  ["workers/example.ts", "../e2e/fixtures"],
  // app/: nothing of tooling/, scripts/, bench/, tests/, e2e/; app/lib and app/components not server/ either.
  ["app/example/page.tsx", "@/tooling/paths"],
  ["app/example/page.tsx", "../../scripts/stack"],
  ["app/example/page.tsx", "../../bench/run"],
  ["app/example/page.tsx", "../../tests/support/harness"],
  ["app/example/page.tsx", "@/e2e/fixtures"],
  ["app/lib/example.ts", "@/server/db"],
  ["app/lib/example.ts", "../../server/db"],
  ["app/components/feed/Example.tsx", "../../../server/db"],
  ["app/components/Example.tsx", "@/tooling/api-client"],
  // tooling/: none of bench/, tests/, e2e/, scripts/.
  ["tooling/example.ts", "../bench/run"],
  ["tooling/example.ts", "../tests/support/harness"],
  ["tooling/simulate/example.ts", "../../e2e/fixtures"],
  ["tooling/example.ts", "@/scripts/bench"],
  // bench/, tests/, e2e/: tooling/, not each other.
  ["bench/example.ts", "../tests/support/harness"],
  ["bench/cases/example.ts", "../../e2e/fixtures"],
  ["bench/example.ts", "../scripts/stack"],
  ["tests/unit/example.test.ts", "../../e2e/fixtures"],
  ["tests/integration/example.test.ts", "../../bench/run"],
  ["tests/unit/example.test.ts", "@/scripts/check-config"],
  ["e2e/example.spec.ts", "../tests/support/harness"],
  ["e2e/support/example.ts", "../../bench/run"],
  ["e2e/example.spec.ts", "../scripts/screenshots"],
  // scripts/: an entry point imports no other.
  ["scripts/example.ts", "./stack"],
  ["scripts/example.ts", "../tests/support/harness"],
  ["scripts/example.ts", "../e2e/support/stack-info"],
  // Anywhere else: nothing of tests/, e2e/, scripts/.
  ["playwright.config.ts", "./e2e/fixtures"],
  ["prisma/example.ts", "../tests/support/harness"],
  ["shared/example.ts", "@/scripts/migrate"],
];

/** Imports the layout is built on: none may be reported. */
const ALLOWED: [string, string][] = [
  ["server/example.ts", "../shared/journey"],
  ["server/example.ts", "./db"],
  ["app/lib/example.ts", "@/shared/routes"],
  ["app/example/page.tsx", "@/server/db"],
  ["tooling/example.ts", "../server/db"],
  ["tooling/simulate/example.ts", "../api-client"],
  ["bench/example.ts", "../tooling/stack"],
  ["bench/cases/example.ts", "../context"],
  ["tests/integration/example.test.ts", "../support/harness"],
  ["tests/integration/example.test.ts", "../../tooling/api-client"],
  ["e2e/example.spec.ts", "./fixtures"],
  ["e2e/support/example.ts", "../../tooling/sign-in"],
  ["scripts/example.ts", "../tooling/stack"],
  ["scripts/example.ts", "../bench/run"],
  ["playwright.config.ts", "./tooling/chromium"],
];

describe("every boundary reports a forbidden import", () => {
  for (const [file, source] of FORBIDDEN) {
    test(`${file}: import from "${source}"`, async () => {
      const messages = await violations(file, source);
      assert.equal(messages.length, 1, `expected one ${RULE} error, got ${JSON.stringify(messages)}`);
      // ESLint's words, then the boundary's own: why the import is not allowed.
      assert.match(messages[0]!, /restricted from being used by a pattern\. \S.{20,}$/, "the message says why");
    });
  }
});

describe("the imports the layout is built on pass", () => {
  for (const [file, source] of ALLOWED) {
    test(`${file}: import from "${source}"`, async () => {
      assert.deepEqual(await violations(file, source), []);
    });
  }
});
