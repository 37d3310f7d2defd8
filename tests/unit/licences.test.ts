// The runtime dependencies' licences, from the bill of materials npm makes of the installed tree:
// every licence is one somebody reviewed (tooling/sbom.ts says what each asks of us), and the
// table in docs/security.md is the one this tree gives.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ROOT } from "../../tooling/paths";
import { LICENCE_TERMS, LICENCES_END, LICENCES_START, licenceTable, licencesOf, runtimeSbom } from "../../tooling/sbom";

const sbom = runtimeSbom();
const packages = licencesOf(sbom);

test("npm sbom gives a CycloneDX document of the runtime dependencies", () => {
  assert.equal(sbom.bomFormat, "CycloneDX");
  const names = new Set(packages.map((p) => p.name));
  for (const dependency of ["next", "react", "@prisma/client", "bullmq", "ioredis", "socket.io", "next-auth"])
    assert.ok(names.has(dependency), dependency);
  // Development tools are left out. (typescript and @playwright/test stay: the Prisma CLI, which
  // the migration job runs, and next name them as optional peers, and npm counts them so.)
  for (const tool of ["eslint", "eslint-config-next", "prettier"]) assert.ok(!names.has(tool), tool);
});

test("every runtime dependency's licence has been reviewed", () => {
  const unreviewed = packages.filter((p) => !(p.licence in LICENCE_TERMS));
  assert.deepEqual(
    unreviewed.map((p) => `${p.name}@${p.version}: ${p.licence}`),
    [],
    "add the licence to LICENCE_TERMS (tooling/sbom.ts) once you know what it asks, or drop the package",
  );
});

test("docs/security.md lists the licences of this tree (npm run sbom -- --write-docs)", () => {
  const doc = readFileSync(path.join(ROOT, "docs", "security.md"), "utf8");
  const start = doc.indexOf(LICENCES_START);
  const end = doc.indexOf(LICENCES_END);
  assert.ok(start >= 0 && end > start, "the licences markers");
  assert.equal(doc.slice(start + LICENCES_START.length, end).trim(), licenceTable(packages));
});
