// docs/architecture.md and README.md tell the story of one like file by file. Prose drifts when code
// moves, so this reads every repository path the two documents name and checks it still exists,
// checks that each timed hop's file (shared/journey.ts) is named in the walk, and keeps the sequence
// diagram free of what GitHub's mermaid renderer chokes on.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { JOURNEY_HOPS } from "../../shared/journey";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOCS = ["docs/architecture.md", "README.md"] as const;

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

describe("the architecture documents", () => {
  for (const doc of DOCS) {
    test(`${doc}: every repository path it names exists`, () => {
      const text = read(doc);
      const named = [...codePaths(text), ...linkPaths(text, doc)];
      assert.ok(named.length > 10, `${doc} names files (found ${named.length}); did the path pattern break?`);
      const missing = named.filter((p) => !exists(p));
      assert.deepEqual(missing, [], `${doc} names paths that do not exist`);
    });
  }

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

  test("the like is one statement, not createMany in a transaction (the drift issue 13 fixed)", () => {
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
    assert.equal(exists("app/api/**"), true);
    assert.deepEqual(
      mermaidHazards(
        'sequenceDiagram\n  A->>B: fine, colons: ok\n  %% a comment; fine\n  A->>B: x; y\n  B->>A: say "hi',
      ),
      ["  A->>B: x; y", '  B->>A: say "hi'],
    );
  });
});
