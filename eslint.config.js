// ESLint 9 flat config: Next's recommended rules (core web vitals + TypeScript), plus the import
// boundaries that keep the product apart from the tools around it:
//   app/ (the browser side)  server/, workers/  the product
//   shared/                  what both server and browser import
//   tooling/                 the developer tooling: stacks, nginx, migrations, the HTTP client…
//   bench/, tests/, e2e/     each built on tooling/, none on another
//   scripts/                 entry points (npm run …): each imports tooling/ or bench/, never another
// tests/unit/import-boundaries.test.ts proves each boundary still reports a violation.
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * An import of `folder`, as any file in the repository can spell it: through the "@/" alias
 * (tsconfig.json paths), relative from a folder beside or below the root ("../folder/…",
 * "../../folder/…"), or from a file at the root ("./folder/…").
 */
const into = (folder) => `^(?:@/|(?:\\.\\./)+|\\./)${folder}(?:/|$)`;

/** Each boundary: which folder may not be imported, and why. */
const BOUNDARIES = {
  app: {
    regex: into("app"),
    message: "app/ is the browser side: the server and the worker take what they share from shared/.",
  },
  server: {
    regex: into("server"),
    message: "Server modules never reach the client bundle; pass data as props from a server component.",
  },
  tooling: {
    regex: into("tooling"),
    message: "tooling/ is developer tooling (stacks, nginx, test clients): the product never depends on it.",
  },
  bench: {
    regex: into("bench"),
    message: "bench/ is the benchmark, run by scripts/bench.ts only; what others need from it belongs in tooling/.",
  },
  tests: {
    regex: into("tests"),
    message: "Nothing outside tests/ imports tests/: what another folder needs from it belongs in tooling/.",
  },
  e2e: {
    regex: into("e2e"),
    message: "Nothing outside e2e/ imports e2e/: what another folder needs from it belongs in tooling/.",
  },
  scripts: {
    regex: into("scripts"),
    message: "scripts/ holds entry points only (npm run …): import what they call from tooling/ or bench/.",
  },
  anotherEntryPoint: {
    regex: "^\\./",
    message: "An entry point imports no other entry point: move what both need to tooling/ or bench/.",
  },
};

/** no-restricted-imports for these boundaries (a later config object replaces an earlier one's list). */
const forbid = (...names) => ({
  "no-restricted-imports": ["error", { patterns: names.map((name) => BOUNDARIES[name]) }],
});

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      // The Next.js builds: the app's, and the bench's Next.js floor (bench/next-floor/).
      "**/.next/**",
      "node_modules/**",
      "server/generated/**",
      ".stack/**",
      ".test-stacks/**",
      "test-results/**",
      "playwright-report/**",
      "bench-results/**",
      "**/next-env.d.ts",
    ],
  },
  // Everywhere, unless a folder below says more: tests/, e2e/ and scripts/ are nobody's dependency.
  { files: ["**/*.{js,mjs,cjs,ts,tsx}"], rules: forbid("tests", "e2e", "scripts") },
  // The browser side. app/lib and app/components are the client modules: never server/ either.
  { files: ["app/**"], rules: forbid("tooling", "bench", "tests", "e2e", "scripts") },
  {
    files: ["app/lib/**", "app/components/**"],
    rules: forbid("server", "tooling", "bench", "tests", "e2e", "scripts"),
  },
  // The product's back end.
  { files: ["server/**", "workers/**"], rules: forbid("app", "tooling", "bench", "tests", "e2e", "scripts") },
  // The tooling stands on the product alone.
  { files: ["tooling/**"], rules: forbid("bench", "tests", "e2e", "scripts") },
  { files: ["bench/**"], rules: forbid("tests", "e2e", "scripts") },
  { files: ["tests/**"], rules: forbid("bench", "e2e", "scripts") },
  { files: ["e2e/**"], rules: forbid("bench", "tests", "scripts") },
  { files: ["scripts/**"], rules: forbid("tests", "e2e", "scripts", "anotherEntryPoint") },
  {
    files: ["tests/**", "e2e/**"],
    rules: {
      // Playwright fixtures take `async ({}, use)`: that `use` is Playwright's, not React's hook.
      "no-empty-pattern": "off",
      "react-hooks/rules-of-hooks": "off",
    },
  },
  {
    // The test clients read loosely typed JSON responses.
    files: ["tests/**", "e2e/**", "tooling/api-client.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
];

export default config;
