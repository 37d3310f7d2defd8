// ESLint 9 flat config: Next's recommended rules (core web vitals + TypeScript), plus the
// boundary this project cares most about: browser code never imports server modules.
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "server/generated/**",
      ".stack/**",
      ".test-stacks/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    // Client-side modules: app/lib and app/components may not reach into server/.
    files: ["app/lib/**", "app/components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/*", "../server/*", "../../server/*"],
              message: "Server modules never reach the client bundle; pass data as props from a server component.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["tests/**", "e2e/**"],
    rules: {
      // Playwright fixtures take `async ({}, use)`: that `use` is Playwright's, not React's hook.
      "no-empty-pattern": "off",
      "react-hooks/rules-of-hooks": "off",
      // Test helpers read loosely typed JSON responses.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
];

export default config;
