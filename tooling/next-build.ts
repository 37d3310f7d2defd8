// The production build the local stacks run (`next build`), made only when a source file is newer.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

/** True when .next holds a production build newer than every source file. */
export function buildIsFresh(): boolean {
  const marker = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(marker)) return false;
  const builtAt = statSync(marker).mtimeMs;
  const newer = (dir: string): boolean =>
    existsSync(dir) &&
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== "generated" && newer(full);
      return statSync(full).mtimeMs > builtAt;
    });
  return (
    !["app", "server", "public", "shared"].some((d) => newer(path.join(ROOT, d))) &&
    !["next.config.js", "package.json", "prisma/schema.prisma"].some(
      (f) => statSync(path.join(ROOT, f)).mtimeMs > builtAt,
    )
  );
}

export function buildIfNeeded(report: (line: string) => void = () => undefined): void {
  if (buildIsFresh()) return;
  report("building the app (next build)…");
  try {
    execFileSync("npm", ["run", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
  } catch (error) {
    // A failed build can leave BUILD_ID behind; without it the next run builds again.
    rmSync(path.join(ROOT, ".next", "BUILD_ID"), { force: true });
    throw error;
  }
}
