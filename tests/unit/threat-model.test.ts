// docs/security.md's threat model names, for every threat, the file that holds its control and the
// test that proves it. Names rot when code moves or a test is renamed, and a table that cites a
// test which no longer exists claims a proof nobody runs. So this reads the model's tables and
// checks them against the repository: each of the ten hops has its table; every backticked path
// exists; every name in the "where" column is in the file cited before it; every quoted test name
// is declared, exactly, in the test file cited before it; a threat without a test says "none" and
// why.
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOC = "docs/security.md";

/** The hops, in the order of the like and its push, as the model's `### N. Hop` headings name them. */
export const HOPS = [
  "The browser",
  "nginx",
  "The route handler",
  "The session",
  "Postgres",
  "Redis",
  "The queue",
  "The worker",
  "Socket.IO",
  "Uploads",
] as const;
const COLUMNS = ["threat", "control", "where", "test"];
const STRIDE = /^\*\*[STRIDE]\*\* \S/;

export type Row = { line: number; cells: string[] };
export type HopTable = { hop: string; heading: string; header: string[]; rows: Row[] };

const FENCE = /^```[^\n]*\n[\s\S]*?^```/gm;

/** The "## Threat model" section, fenced blocks blanked (line numbers kept). */
export function threatModelSection(markdown: string): { text: string; firstLine: number } {
  const start = markdown.search(/^## Threat model\s*$/m);
  if (start < 0) return { text: "", firstLine: 0 };
  const rest = markdown.slice(start);
  const next = rest.slice(1).search(/^## /m);
  const text = next < 0 ? rest : rest.slice(0, next + 1);
  return {
    text: text.replace(FENCE, (block) => block.replace(/[^\n]/g, "")),
    firstLine: markdown.slice(0, start).split("\n").length,
  };
}

/** A table row's cells: split on `|` outside code spans, the outer pipes dropped. */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  for (const ch of line.trim().replace(/^\|/, "")) {
    if (ch === "`") inCode = !inCode;
    if (ch === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  if (cell.trim()) cells.push(cell.trim()); // text after the last pipe: an extra cell, which the check counts
  return cells;
}

/** Each `### N. Hop` heading of the section with the table under it. */
export function hopTables(markdown: string): HopTable[] {
  const { text, firstLine } = threatModelSection(markdown);
  const lines = text.split("\n");
  const tables: HopTable[] = [];
  let current: HopTable | undefined;
  lines.forEach((line, i) => {
    const heading = /^### \d+\. (.+?)(?: \(.*\))?\s*$/.exec(line);
    if (heading) {
      current = { hop: heading[1]!, heading: line, header: [], rows: [] };
      tables.push(current);
      return;
    }
    if (!current || !line.startsWith("|")) return;
    const cells = splitRow(line);
    if (!current.header.length) current.header = cells;
    else if (!cells.every((c) => /^:?-+:?$/.test(c))) current.rows.push({ line: firstLine + i, cells });
  });
  return tables;
}

/** Backticked spans and "quoted" strings of a cell, in order. */
export function tokens(cell: string): { kind: "code" | "quoted"; text: string }[] {
  return [...cell.matchAll(/`([^`]+)`|"([^"]+)"/g)].map((m) =>
    m[1] !== undefined ? { kind: "code", text: m[1] } : { kind: "quoted", text: m[2]! },
  );
}

/**
 * A span that names a repository path: no spaces, and either under one of the repository's
 * top-level folders (`server/api.ts`, so a misspelt file there is caught) or a top-level file
 * (`Dockerfile`). `image/jpeg` and `/uploads/` are not paths.
 */
export function isPathSpan(span: string, root = ROOT): boolean {
  if (/\s/.test(span) || span.startsWith("/") || span.startsWith("$")) return false;
  const [first, ...rest] = span.split("/");
  const top = path.join(root, first!);
  if (!existsSync(top)) return false;
  return rest.length ? statSync(top).isDirectory() : statSync(top).isFile();
}

/**
 * The tests a file declares, by name: `test("…"`, `it("…"`, `describe("…"`, `test.describe("…"`,
 * the compose suite's `step("…"`, and the fault suite's `faultCase("R5", "…")`, which names its
 * test "R5 …" (tests/faults/cases.ts). Template literals count as written, `${…}` and all.
 */
export function declaredTests(source: string): Set<string> {
  const names = new Set<string>();
  const quoted = String.raw`(["'\x60])((?:\\.|(?!\1)[\s\S])*?)\1`;
  const unescape = (s: string) => s.replace(/\\(["'\x60\\])/g, "$1");
  const call = new RegExp(
    String.raw`\b(?:test|it|describe|step)(?:\.describe)?(?:\.(?:only|skip|serial|fixme))?\(\s*` + quoted,
    "g",
  );
  for (const m of source.matchAll(call)) names.add(unescape(m[2]!));
  const fault = /\bfaultCase\(\s*(["'`])(R\d+)\1\s*,\s*(["'`])((?:\\.|(?!\3)[\s\S])*?)\3/g;
  for (const m of source.matchAll(fault)) names.add(`${m[2]} ${unescape(m[4]!)}`);
  return names;
}

/** Whether `name` (a function as `name()`, a directive, a setting) is written in the file's text. */
export function fileMentions(text: string, name: string): boolean {
  const call = /^([A-Za-z_$][\w$]*)\(\)$/.exec(name);
  if (call) return new RegExp(String.raw`(?<![\w$])${call[1]!.replace(/\$/g, "\\$")}(?![\w$])`).test(text);
  return text.includes(name);
}

/** What is wrong with one row, as sentences (empty when it holds). */
export function rowProblems(row: Row, root = ROOT): string[] {
  const at = `line ${row.line}`;
  const problems: string[] = [];
  if (row.cells.length !== COLUMNS.length) return [`${at}: ${row.cells.length} cells, expected ${COLUMNS.length}`];
  const [threat, , where, tests] = row.cells as [string, string, string, string];
  const read = (file: string) => readFileSync(path.join(root, file), "utf8");
  const missing = (file: string) => !existsSync(path.join(root, file));

  if (!STRIDE.test(threat)) problems.push(`${at}: the threat starts with its STRIDE letter in bold (**S** …)`);
  // Every path anywhere in the row exists.
  for (const cell of row.cells)
    for (const t of tokens(cell))
      if (t.kind === "code" && isPathSpan(t.text, root) && missing(t.text))
        problems.push(`${at}: no such path ${t.text}`);

  // Where: a file first, then names that file holds.
  let file: string | undefined;
  for (const t of tokens(where).filter((t) => t.kind === "code")) {
    if (isPathSpan(t.text, root)) file = t.text;
    else if (!file) problems.push(`${at}: \`${t.text}\` is cited before any file`);
    else if (!missing(file) && statSync(path.join(root, file)).isFile() && !fileMentions(read(file), t.text))
      problems.push(`${at}: ${file} has no \`${t.text}\``);
  }
  if (!tokens(where).some((t) => t.kind === "code" && isPathSpan(t.text, root)))
    problems.push(`${at}: the where column names no file`);

  // Test: "none — why", or files each followed by the exact names of tests in it.
  if (/^none —\s*\S/.test(tests)) return problems;
  let testFile: string | undefined;
  let namesForFile = 0;
  const cited = tokens(tests);
  if (!cited.length) problems.push(`${at}: the test column cites no test (or says "none — why")`);
  for (const t of cited) {
    if (t.kind === "code") {
      if (testFile && namesForFile === 0) problems.push(`${at}: ${testFile} is cited without a test name`);
      testFile = t.text;
      namesForFile = 0;
    } else if (!testFile) problems.push(`${at}: "${t.text}" is cited before its test file`);
    else {
      namesForFile++;
      if (!missing(testFile) && !declaredTests(read(testFile)).has(t.text))
        problems.push(`${at}: ${testFile} has no test named "${t.text}"`);
    }
  }
  if (testFile && namesForFile === 0) problems.push(`${at}: ${testFile} is cited without a test name`);
  return problems;
}

describe("the threat model in docs/security.md", () => {
  const markdown = readFileSync(path.join(ROOT, DOC), "utf8");
  const tables = hopTables(markdown);

  test("it sits after the introduction and before Transport", () => {
    const sections = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
    assert.equal(sections[0], "Threat model", "the first section");
    assert.match(sections[1] ?? "", /^Transport/, "then Transport");
    assert.equal(sections.at(-1), "Not covered yet", "and Not covered yet last");
  });

  test("each of the ten hops has its table, in order, with the four columns and real rows", () => {
    assert.deepEqual(
      tables.map((t) => t.hop),
      [...HOPS],
    );
    for (const table of tables) {
      assert.deepEqual(table.header, COLUMNS, `${table.heading}: columns`);
      assert.ok(table.rows.length >= 4, `${table.heading}: ${table.rows.length} threats, at least 4`);
    }
  });

  test("every cited path exists, every name is in its file, every test name is declared in its file", () => {
    const problems = tables.flatMap((t) => t.rows.flatMap((row) => rowProblems(row)));
    assert.deepEqual(problems, [], `${DOC}'s threat model cites what the repository does not have`);
    // The checks above really ran: most rows cite tests by name.
    const named = tables.flatMap((t) => t.rows).filter((r) => r.cells[3]?.includes('"'));
    assert.ok(named.length >= 40, `rows proved by a named test (found ${named.length})`);
  });

  test("a threat without a test says so: 'none —' and why", () => {
    const untested = tables.flatMap((t) => t.rows).filter((r) => !tokens(r.cells[3] ?? "").length);
    for (const row of untested)
      assert.match(row.cells[3] ?? "", /^none — .{20,}/, `line ${row.line}: "none — " and what would test it`);
  });

  test("the reader catches what is wrong: a missing file, a renamed test, a misplaced name, a bare claim", () => {
    const sample = [
      "## Threat model",
      "### 1. The browser (B1)",
      "| threat | control | where | test |",
      "| --- | --- | --- | --- |",
      '| **S** ok. | c | `server/api.ts` `isForeignOrigin()` | `tests/integration/api-contract.test.ts` "a mutation from a foreign Origin is refused with 403" |',
      '| **S** renamed. | c | `server/api.ts` `authed()` | `tests/integration/api-contract.test.ts` "a mutation from abroad is refused" |',
      "| **T** misplaced. | c | `server/api.ts` `preparePhoto()` | none — nothing to prove here, for the sample |",
      '| **I** missing. | c | `server/nope.ts` | `tests/unit/nope.test.ts` "x" |',
      "| no letter. | c | `server/api.ts` | `tests/unit/routes.test.ts` |",
      '| **E** extra. | c | `server/api.ts` | `tests/integration/api-contract.test.ts` "a mutation from a foreign Origin is refused with 403" | more |',
      "### 2. nginx",
    ].join("\n");
    const [browser, nginx] = hopTables(sample);
    assert.equal(browser?.hop, "The browser");
    assert.equal(nginx?.hop, "nginx");
    assert.equal(browser?.rows.length, 6);
    const problems = browser!.rows.map((row) => rowProblems(row).map((p) => p.replace(/^line \d+: /, "")));
    assert.deepEqual(problems, [
      [],
      ['tests/integration/api-contract.test.ts has no test named "a mutation from abroad is refused"'],
      ["server/api.ts has no `preparePhoto()`"],
      ["no such path server/nope.ts", "no such path tests/unit/nope.test.ts"],
      [
        "the threat starts with its STRIDE letter in bold (**S** …)",
        "tests/unit/routes.test.ts is cited without a test name",
      ],
      ["5 cells, expected 4"],
    ]);
  });

  test("test names are read as the suites declare them", () => {
    const source = [
      'test("plain", () => {});',
      "it('single \\'quoted\\'', () => {});",
      'test.describe("a group", () => {});',
      "test(`${N} templated`, async () => {});",
      'faultCase("R6",\n  "the auth matrix; cross-origin",\n  async () => {});',
      'step("a compose step", { timeout: 1 }, async () => {});',
      'notATest("nope");',
    ].join("\n");
    assert.deepEqual(
      [...declaredTests(source)].sort(),
      [
        "${N} templated",
        "R6 the auth matrix; cross-origin",
        "a compose step",
        "a group",
        "plain",
        "single 'quoted'",
      ].sort(),
    );
    assert.equal(fileMentions("export function authed() {}", "authed()"), true);
    assert.equal(fileMentions("export function authedUser() {}", "authed()"), false);
    assert.equal(isPathSpan("server/api.ts"), true);
    assert.equal(isPathSpan("Dockerfile"), true);
    assert.equal(isPathSpan("location ^~ /uploads/"), false);
    assert.equal(isPathSpan("authed()"), false);
    assert.equal(isPathSpan("image/jpeg"), false);
    assert.equal(isPathSpan("server/no-such-file.ts"), true, "a path, so its absence is reported");
  });
});
