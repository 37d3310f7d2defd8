// The docs tell the story of one like file by file and function by function. Prose drifts when code
// moves, so this checks what the documents cite in backticks against the code: every repository
// path exists; every function, type and file name is declared in the code (or imported by it, for a
// library's); "`name()` in `file`" names something that file really has; each timed hop's file
// (shared/journey.ts) is named in the walk; the walk's file list stays short; the sequence diagram
// stays free of what GitHub's mermaid renderer chokes on; and every decision record has a number,
// a date and a status.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { JOURNEY_HOPS } from "../../shared/journey";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The documents a reader follows the code with: their paths and their names are checked. */
const DOCS = [
  "docs/architecture.md",
  "README.md",
  "docs/ui.md",
  "docs/deployment.md",
  "docs/testing-e2e.md",
  "docs/operations.md",
  "docs/security.md",
] as const;
/** Decision records name paths too (checked), but may discuss names of alternatives not taken. */
const DECISIONS_DIR = "docs/decisions";

/** Top-level folders whose files the documents name; a word like `user:<id>` is not a path. */
const PATH_ROOTS = [
  "app",
  "server",
  "workers",
  "scripts",
  "tooling",
  "bench",
  "prisma",
  "nginx",
  "e2e",
  "tests",
  "types",
  "docs",
  "public",
  ".ci",
];
/** Top-level files, named bare. */
const TOP_LEVEL_FILES = new Set([
  "docker-compose.yml",
  "Dockerfile",
  "package.json",
  "proxy.ts",
  "next.config.js",
  "tsconfig.json",
  "tsconfig.build.json",
  "playwright.config.ts",
  "eslint.config.js",
  "prisma.config.ts",
  "README.md",
  ".env.example",
  ".env.compose.example",
  ".dockerignore",
]);

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

const FENCE = /^```[^\n]*\n[\s\S]*?^```/gm;

/**
 * Every repository path in a document's inline code spans (fenced blocks hold commands and sample
 * output, not references). A span may hold a command, so each word is looked at on its own.
 */
export function codePaths(markdown: string): string[] {
  const prose = markdown.replace(FENCE, "");
  const found = new Set<string>();
  for (const [, span] of prose.matchAll(/`([^`\n]+)`/g)) {
    for (const word of span!.split(/\s+/)) {
      const first = word.split("/")[0]!;
      if ((PATH_ROOTS.includes(first) && word.includes("/")) || TOP_LEVEL_FILES.has(word)) found.add(word);
    }
  }
  return [...found];
}

/** Relative link targets, [text](target), resolved against the document's own folder. */
export function linkPaths(markdown: string, docFile: string): string[] {
  const prose = markdown.replace(FENCE, "");
  const found = new Set<string>();
  for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target!) || target!.startsWith("#")) continue;
    found.add(path.posix.join(path.posix.dirname(docFile), target!.split("#")[0]!));
  }
  return [...found];
}

/** Whether a named path exists; a glob (`app/api/**`) needs the folder before its first `*`. */
export function exists(repoPath: string, root = ROOT): boolean {
  const fixed = repoPath.split("*")[0]!;
  return existsSync(path.join(root, fixed));
}

/** A path the repository ignores on purpose (`nginx/certs/`, made at run time): documented, not committed. */
function ignoredByGit(repoPath: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "-q", "--no-index", repoPath], { cwd: ROOT, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The ```mermaid blocks of a document, without their fences. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/**
 * What mermaid's sequence grammar mistakes for syntax inside a line: `;` ends a statement, `#`
 * starts an entity code, and an unbalanced double quote swallows the rest. Comment lines (%%) are
 * skipped. Answers the offending lines.
 */
export function mermaidHazards(block: string): string[] {
  return block
    .split("\n")
    .filter((line) => !line.trim().startsWith("%%"))
    .filter((line) => /[;#]/.test(line) || (line.match(/"/g)?.length ?? 0) % 2 === 1);
}

/** Source files of the repository (what the docs' names must be found in). */
function sourceFiles(dir = ROOT, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") && entry.name !== ".ci") continue;
    if (["node_modules", "generated", "test-results", "playwright-report"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|tsx|mjs|js|prisma)$/.test(entry.name)) out.push(full);
    // Prometheus' rule files declare the alerts the docs cite.
    else if (full.startsWith(path.join(ROOT, "observability")) && entry.name.endsWith(".yml")) out.push(full);
  }
  return out;
}

const IDENT = "[A-Za-z_$][\\w$]*";

/**
 * Every name the code declares (functions, classes, types, variables, methods, object properties,
 * Prisma models and fields) or imports (a library's names the docs may cite: `getToken()`).
 */
export function declaredNames(sources: string[]): Set<string> {
  const names = new Set<string>();
  const patterns = [
    new RegExp(`\\b(?:function\\*?|class|interface|type|enum|const|let|var|model)\\s+(${IDENT})`, "g"),
    // Methods, class fields and object properties, at the start of a line: `  toggle = (`, `  async deliver(`, `  setLike: (`.
    new RegExp(
      `^\\s*(?:(?:export|async|static|private|public|protected|readonly|get|set)\\s+)*(${IDENT})\\s*(?:[=:(<]|\\?:)`,
      "gm",
    ),
    // Destructured and imported names: `import { a, b as c }`, `const { x, y } =`.
    new RegExp(`(?:import|export|const|let)\\s*(?:type\\s*)?\\{([^}]*)\\}`, "g"),
    new RegExp(`import\\s+(${IDENT})\\s*(?:,|from)`, "g"),
    // A method the code calls on a platform object (`dialog.showModal()`).
    new RegExp(`\\.(${IDENT})\\(`, "g"),
    // An alerting rule (`- alert: WorkerDown`).
    new RegExp(`^\\s*-\\s*alert:\\s*(${IDENT})\\s*$`, "gm"),
  ];
  for (const text of sources) {
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        for (const part of match[1]!.split(",")) {
          const name = part
            .trim()
            .split(/\s+as\s+|\s*:\s*/)
            .at(-1)!
            .replace(/^type\s+/, "")
            .trim();
          if (new RegExp(`^${IDENT}$`).test(name)) names.add(name);
        }
      }
    }
  }
  return names;
}

/**
 * The code names a document cites in its inline code spans: a call (`setLike()`, `api.setLike()`,
 * `LikeToggleQueue.toggle()`), a type or class (`JourneyStore`, a PascalCase compound), or a file
 * named bare (`like-toggle.ts`). Answers each with the name to look for.
 */
export function codeNames(markdown: string): { span: string; kind: "name" | "file"; name: string }[] {
  const prose = markdown.replace(FENCE, "");
  const found = new Map<string, { span: string; kind: "name" | "file"; name: string }>();
  for (const [, span] of prose.matchAll(/`([^`\n]+)`/g)) {
    const call = new RegExp(`^(?:${IDENT}\\.)*(${IDENT})\\(\\)$`).exec(span!);
    if (call) found.set(span!, { span: span!, kind: "name", name: call[1]! });
    else if (/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/.test(span!))
      found.set(span!, { span: span!, kind: "name", name: span! });
    else if (/^[\w.-]+\.(ts|tsx|mjs|md|sql|prisma|template|conf)$/.test(span!)) {
      found.set(span!, { span: span!, kind: "file", name: span! });
    }
  }
  return [...found.values()];
}

/** "`name()` in `path`" (or "`Name` in `path`", "of `path`"): the name must be in that file. */
export function namesInFiles(markdown: string): { name: string; file: string }[] {
  const prose = markdown.replace(FENCE, "");
  const out: { name: string; file: string }[] = [];
  const pattern = new RegExp(
    `\`(?:${IDENT}\\.)*(${IDENT})(?:\\(\\))?\` (?:in|of|from) \`([\\w./\\[\\]-]+\\.[a-z]+)\``,
    "g",
  );
  for (const [, name, file] of prose.matchAll(pattern)) out.push({ name: name!, file: file! });
  return out;
}

/** The bare file names of the repository (for `like-toggle.ts` named without its folder). */
function fileBasenames(dir = ROOT, out = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".git" || entry.name === ".next") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) fileBasenames(full, out);
    else out.add(entry.name);
  }
  return out;
}

/** The numbered list under "## The files of one like", in docs/architecture.md. */
export function walkFiles(markdown: string): string[] {
  const section = /^## The files of one like\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? "";
  return [...section.matchAll(/^\d+\. `([^`]+)`/gm)].map((m) => m[1]!);
}

describe("the architecture documents", () => {
  const decisionRecords = readdirSync(path.join(ROOT, DECISIONS_DIR))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `${DECISIONS_DIR}/${f}`);
  for (const doc of [...DOCS, ...decisionRecords]) {
    test(`${doc}: every repository path it names exists`, () => {
      const text = read(doc);
      const named = [...codePaths(text), ...linkPaths(text, doc)];
      if ((DOCS as readonly string[]).includes(doc)) {
        assert.ok(named.length > 3, `${doc} names files (found ${named.length}); did the path pattern break?`);
      }
      const missing = named.filter((p) => !exists(p) && !ignoredByGit(p));
      assert.deepEqual(missing, [], `${doc} names paths that do not exist`);
    });
  }

  const sources = sourceFiles().map((f) => readFileSync(f, "utf8"));
  const declared = declaredNames(sources);
  const basenames = fileBasenames();
  for (const doc of DOCS) {
    test(`${doc}: every function, type and file name it cites exists in the code`, () => {
      const text = read(doc);
      const cited = codeNames(text);
      const missing = cited.filter((c) => (c.kind === "file" ? !basenames.has(c.name) : !declared.has(c.name)));
      assert.deepEqual(
        missing.map((c) => c.span),
        [],
        `${doc} cites names the code does not have`,
      );
      const misplaced = namesInFiles(text).filter(({ name, file }) => {
        const full = path.join(ROOT, file);
        if (!existsSync(full) || statSync(full).isDirectory()) return false; // the path test reports it
        return !new RegExp(`\\b${name.replace(/\$/g, "\\$")}\\b`).test(readFileSync(full, "utf8"));
      });
      assert.deepEqual(
        misplaced.map(({ name, file }) => `${name} in ${file}`),
        [],
        `${doc} says a file has a name it does not`,
      );
    });
  }

  test("docs/architecture.md lists the files of one like: at most 12, every one real", () => {
    const files = walkFiles(read("docs/architecture.md"));
    assert.ok(files.length >= 8, `the list under "## The files of one like" (found ${files.length})`);
    assert.ok(files.length <= 12, `a reader opens at most 12 files to follow one like (listed ${files.length})`);
    for (const file of files) assert.ok(exists(file), `${file} exists`);
  });

  test("every decision record has a number, a date and a status, and the index lists it", () => {
    const index = read(`${DECISIONS_DIR}/README.md`);
    const numbers: number[] = [];
    for (const record of decisionRecords.filter((f) => !f.endsWith("README.md"))) {
      const text = read(record);
      const number = path.basename(record).slice(0, 3);
      numbers.push(Number(number));
      assert.match(text, new RegExp(`^# ${number}: \\S`), `${record}: "# ${number}: title" first`);
      assert.match(text, /^Date: \d{4}-\d{2}-\d{2}/m, `${record}: a Date: line`);
      assert.match(text, /^Status: (Accepted|Superseded by \[\d{3}\])/m, `${record}: a Status: line`);
      assert.ok(index.includes(`(${path.basename(record)})`), `${DECISIONS_DIR}/README.md lists ${record}`);
    }
    // A number skipped must be explained in the index.
    numbers.sort((a, b) => a - b);
    for (let n = 1; n < numbers.at(-1)!; n++) {
      if (!numbers.includes(n))
        assert.match(index, new RegExp(String(n).padStart(3, "0")), `the gap at ${n} is explained`);
    }
  });

  test("docs/architecture.md draws one like as a mermaid sequence diagram GitHub can render", () => {
    const blocks = mermaidBlocks(read("docs/architecture.md"));
    const diagram = blocks.find((b) => b.trimStart().startsWith("sequenceDiagram"));
    assert.ok(diagram, "a ```mermaid block that starts with sequenceDiagram");
    assert.deepEqual(mermaidHazards(diagram), [], "lines with ; or # or an unbalanced quote");
    // Blocks that open (opt, alt, loop…) must each be closed.
    const opened = diagram.split("\n").filter((l) => /^\s*(opt|alt|loop|par|critical|break|rect)\b/.test(l)).length;
    const closed = diagram.split("\n").filter((l) => /^\s*end\s*$/.test(l)).length;
    assert.equal(closed, opened, "every opt/alt/loop block has its end");
    for (const event of [
      "notification",
      "journey:hops",
      "journey:delivered",
      "notification:retracted",
      "Server-Timing",
    ]) {
      assert.ok(diagram.includes(event), `the diagram shows ${event}`);
    }
  });

  test("every timed hop's file (shared/journey.ts) is named in docs/architecture.md", () => {
    const named = new Set(codePaths(read("docs/architecture.md")));
    for (const hop of JOURNEY_HOPS) {
      assert.ok(named.has(hop.file), `hop ${hop.id}: ${hop.file} is not named in docs/architecture.md`);
      assert.ok(exists(hop.file), `hop ${hop.id}: ${hop.file} does not exist`);
    }
  });

  test("the like is one statement, as the walk says, not createMany in a transaction", () => {
    const doc = read("docs/architecture.md");
    assert.doesNotMatch(doc, /createMany/);
    assert.match(doc, /one SQL statement/);
    // The statement the doc describes is the one server/likes.ts sends.
    const likes = read("server/likes.ts");
    assert.match(likes, /WITH changed AS/);
    assert.match(likes, /INSERT INTO "OutboxEvent"/);
    assert.doesNotMatch(likes, /createMany/);
  });

  test("the path reader finds paths in code spans and links, and skips what is not a path", () => {
    const sample = [
      "See `server/likes.ts` and `node --import tsx scripts/stack.ts`, `app/api/**`, `docker-compose.yml`.",
      "Not paths: `user:<bob>`, `/api/posts/:id/like`, `npm run stack`, `server`.",
      "[ADR 015](decisions/015-trace-context.md), [site](https://example.com/a/b.md), [here](#tracing)",
      "```sh\ngrep -r x `server/in-a-fence.ts`\n```",
    ].join("\n");
    assert.deepEqual(codePaths(sample).sort(), [
      "app/api/**",
      "docker-compose.yml",
      "scripts/stack.ts",
      "server/likes.ts",
    ]);
    assert.deepEqual(linkPaths(sample, "docs/architecture.md"), ["docs/decisions/015-trace-context.md"]);
    assert.equal(exists("server/no-such-file.ts"), false);
    const names =
      "Calls `setLike()` in `server/likes.ts`, `api.setLike()`, a `JourneyStore`, `like-toggle.ts`; not `npm run x`, `user:<id>`, `Server-Timing`.";
    assert.deepEqual(
      codeNames(names).map((c) => `${c.kind}:${c.name}`),
      ["name:setLike", "name:setLike", "name:JourneyStore", "file:like-toggle.ts"],
    );
    assert.deepEqual(namesInFiles(names), [{ name: "setLike", file: "server/likes.ts" }]);
    const code =
      "export function setLike(a) {}\nclass LikeToggleQueue {\n  toggle = (): void => {};\n  async drain() {}\n}\nimport { getToken as token, other } from 'x';\nconst api = {\n  setLikeTraced: async () => 1,\n};";
    const got = declaredNames([code]);
    for (const name of ["setLike", "LikeToggleQueue", "toggle", "drain", "token", "other", "api", "setLikeTraced"]) {
      assert.ok(got.has(name), name);
    }
    assert.equal(got.has("sendTracedLike"), false);
    assert.equal(exists("app/api/**"), true);
    assert.deepEqual(
      mermaidHazards(
        'sequenceDiagram\n  A->>B: fine, colons: ok\n  %% a comment; fine\n  A->>B: x; y\n  B->>A: say "hi',
      ),
      ["  A->>B: x; y", '  B->>A: say "hi'],
    );
  });
});
