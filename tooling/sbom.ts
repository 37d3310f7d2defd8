// The software bill of materials: npm's own `npm sbom` (CycloneDX 1.5) over the installed tree,
// cut to the runtime dependencies (what the image ships), and the licence of each package in it.
// CI keeps the document as an artifact (test-results/sbom.cdx.json); docs/security.md lists the
// licences, and tests/unit/licences.test.ts keeps that list equal to this one.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

export const SBOM_FILE = path.join(ROOT, "test-results", "sbom.cdx.json");

type CycloneDxLicence = { license?: { id?: string; name?: string }; expression?: string };
type CycloneDxComponent = {
  "bom-ref": string;
  name: string;
  version?: string;
  scope?: string;
  licenses?: CycloneDxLicence[];
};
type CycloneDxDependency = { ref: string; dependsOn?: string[] };
export type CycloneDx = {
  bomFormat: string;
  specVersion: string;
  components: CycloneDxComponent[];
  dependencies?: CycloneDxDependency[];
};

type LockFile = { packages: Record<string, { name?: string; version?: string; dev?: boolean }> };

/** name@version of every package the lock file does not mark as needed only in development. */
function runtimePackages(): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as LockFile;
  const runtime = new Set<string>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where || entry.dev) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    runtime.add(`${name}@${entry.version}`);
  }
  return runtime;
}

/**
 * The runtime dependencies' bill of materials. Not `npm sbom --omit dev`: it drops production
 * packages that a development tool also names as peers (react, react-dom and zod here; npm/cli
 * issue 7909), so the whole tree's document is cut to what the lock file does not mark `dev`.
 */
export function runtimeSbom(): CycloneDx {
  const whole = JSON.parse(
    execFileSync("npm", ["sbom", "--sbom-format", "cyclonedx"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as CycloneDx;
  const runtime = runtimePackages();
  const components = whole.components.filter((c) => runtime.has(`${c.name}@${c.version}`));
  const kept = new Set(components.map((c) => c["bom-ref"]));
  const dependencies = whole.dependencies
    ?.filter((d) => kept.has(d.ref) || !whole.components.some((c) => c["bom-ref"] === d.ref))
    .map((d) => ({ ...d, dependsOn: d.dependsOn?.filter((ref) => kept.has(ref)) }));
  return { ...whole, components, dependencies };
}

export type PackageLicence = { name: string; version: string; licence: string; optional: boolean };

/** Each runtime package and its licence (SPDX id or expression; "none declared" when npm found none). */
export function licencesOf(sbom: CycloneDx): PackageLicence[] {
  return sbom.components
    .map((c) => ({
      name: c.name,
      version: c.version ?? "",
      licence:
        (c.licenses ?? []).map((l) => l.expression ?? l.license?.id ?? l.license?.name ?? "").join(" AND ") ||
        "none declared",
      optional: c.scope === "optional",
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What each licence found asks of a project that ships the package in its image. */
export const LICENCE_TERMS: Record<string, string> = {
  MIT: "permissive: keep the copyright notice",
  "Apache-2.0": "permissive: keep the notice and NOTICE file; a patent grant",
  ISC: "permissive: keep the copyright notice",
  "BSD-2-Clause": "permissive: keep the copyright notice",
  "BSD-3-Clause": "permissive: keep the notice; do not use the authors' names to promote",
  "0BSD": "permissive, no conditions",
  Unlicense: "public domain dedication, no conditions",
  "MIT and ISC": "both permissive: keep the copyright notices",
  "BlueOak-1.0.0": "permissive: keep the licence text",
  "CC-BY-4.0": "browser-support data (caniuse-lite): credit the source, which the package's own files do",
  "EPL-2.0":
    "weak copyleft per file: elkjs, a graph layout library in the Prisma CLI's Studio; changes to its own files would have to be published, and we make none",
  "OFL-1.1": "the Inter font: free to bundle and serve; not to be sold on its own",
  "LGPL-3.0-or-later":
    "weak copyleft: libvips, sharp's native image library, a separate shared library the app loads unmodified; " +
    "the image must let it be replaced and ship its licence (it does: the package is installed as it is published)",
};

/** The markdown table of docs/security.md, between its licences markers. */
export function licenceTable(packages: PackageLicence[]): string {
  const byLicence = new Map<string, PackageLicence[]>();
  for (const p of packages) byLicence.set(p.licence, [...(byLicence.get(p.licence) ?? []), p]);
  const rows = [...byLicence].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  return [
    "| licence | packages | terms | which |",
    "| --- | ---: | --- | --- |",
    ...rows.map(
      ([licence, list]) =>
        `| ${licence} | ${list.length} | ${LICENCE_TERMS[licence] ?? "**not reviewed**"} | ${list.map((p) => `${p.name}${p.optional ? " (optional)" : ""}`).join(", ")} |`,
    ),
  ].join("\n");
}

export const LICENCES_START = "<!-- licences:start (npm run sbom -- --write-docs) -->";
export const LICENCES_END = "<!-- licences:end -->";
