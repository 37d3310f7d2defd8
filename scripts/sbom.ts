// npm run sbom: the runtime dependencies' bill of materials (CycloneDX, from `npm sbom`) written to
// test-results/sbom.cdx.json, and the count of packages per licence. CI keeps the file.
//   npm run sbom -- --write-docs   also rewrites the licence table of docs/security.md
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../tooling/paths";
import { LICENCES_END, LICENCES_START, licenceTable, licencesOf, runtimeSbom, SBOM_FILE } from "../tooling/sbom";

const sbom = runtimeSbom();
mkdirSync(path.dirname(SBOM_FILE), { recursive: true });
writeFileSync(SBOM_FILE, JSON.stringify(sbom, null, 2));
const packages = licencesOf(sbom);
const counts = new Map<string, number>();
for (const p of packages) counts.set(p.licence, (counts.get(p.licence) ?? 0) + 1);
console.log(`${path.relative(ROOT, SBOM_FILE)}: ${packages.length} runtime packages`);
for (const [licence, count] of [...counts].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(count).padStart(4)}  ${licence}`);

if (process.argv.includes("--write-docs")) {
  const doc = path.join(ROOT, "docs", "security.md");
  const text = readFileSync(doc, "utf8");
  const start = text.indexOf(LICENCES_START);
  const end = text.indexOf(LICENCES_END);
  if (start < 0 || end < start) throw new Error(`${doc}: the licences markers are missing`);
  writeFileSync(doc, `${text.slice(0, start + LICENCES_START.length)}\n${licenceTable(packages)}\n${text.slice(end)}`);
  console.log("docs/security.md: licence table rewritten");
}
