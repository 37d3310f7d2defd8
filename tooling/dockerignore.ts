// Which paths a .dockerignore leaves out of a Docker build context, for checks that run without an
// engine (scripts/check-config.ts). The rules Docker applies (docs.docker.com, "Dockerignore files"):
// - a pattern is anchored at the context's root: `*.log` matches `a.log`, not `logs/a.log`;
// - `*` matches within one path segment, `?` one character, `**` any number of segments;
// - a pattern that matches a directory leaves out everything below it;
// - `!pattern` lets back in what an earlier line left out; the last matching line wins;
// - blank lines and lines starting with `#` are ignored; leading and trailing slashes don't matter.
// Character classes ([a-z]) are passed through to the regular expression as they are.

type Rule = { negated: boolean; regex: RegExp; pattern: string };

function toRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      // "**/" (or a trailing "**"): zero or more whole segments.
      const slash = pattern[i + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) source += "\\[";
      else {
        source += pattern.slice(i, end + 1).replace(/^\[!/, "[^");
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function parseDockerignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    const pattern = (negated ? line.slice(1) : line)
      .trim()
      .replace(/^\/+|\/+$/g, "")
      .replace(/^\.\//, "");
    if (pattern) rules.push({ negated, regex: toRegex(pattern), pattern });
  }
  return rules;
}

/** True when the path (relative to the context root, "/" separators) is left out of the context. */
export function isExcluded(rules: Rule[], relativePath: string): boolean {
  const segments = relativePath.replace(/^\.\//, "").split("/");
  // The path itself and each of its parent directories: excluding a directory excludes its files.
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join("/"));
  let excluded = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = !rule.negated;
  }
  return excluded;
}
