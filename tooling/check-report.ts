// How the `check:*` scripts report: one line per check, then a summary and the exit status.
// tooling/config-checks.ts and tooling/rules-check.ts take the report; scripts/ print it.

/** Where each check says how it went: one line per check. */
export type CheckReport = { ok(message: string): void; fail(message: string): void };

/** A report that prints each line to stdout and counts the failures. */
export function printedReport(): CheckReport & { finish(allPassed: string): never } {
  let failures = 0;
  return {
    ok: (message) => console.log(`ok    ${message}`),
    fail: (message) => {
      failures++;
      console.log(`FAIL  ${message}`);
    },
    finish(allPassed) {
      console.log(failures ? `\n${failures} check(s) failed` : `\n${allPassed}`);
      process.exit(failures ? 1 : 0);
    },
  };
}
