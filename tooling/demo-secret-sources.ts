// The secrets the repository publishes, read from the files that publish them: docker-compose.yml's
// `${NAME:-default}` defaults of secret-named variables (and every dev-only- value in it), and the
// secret values of the example env files. server/demo-secrets.ts refuses them by hash; the unit test
// checks the two agree, and the image test searches the images for these values.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEMO_OPT_IN, urlPassword } from "../server/demo-secrets";
import { ROOT } from "./paths";

export type PublishedSecret = { file: string; name: string; value: string };

const SECRET_NAME = /SECRET|PASSWORD/;
export const SECRET_FILES = ["docker-compose.yml", ".env.example", ".env.compose.example"] as const;

/** A compose file's secret defaults. */
export function composeSecrets(text: string, file = "docker-compose.yml"): PublishedSecret[] {
  const found = new Map<string, PublishedSecret>();
  for (const m of text.matchAll(/\$\{([A-Z0-9_]+):-([^}]*)\}/g))
    if (SECRET_NAME.test(m[1]!) && m[1] !== DEMO_OPT_IN && m[2]) found.set(m[2], { file, name: m[1]!, value: m[2] });
  for (const m of text.matchAll(/dev-only-[A-Za-z0-9-]+/g))
    if (!found.has(m[0])) found.set(m[0], { file, name: "(a dev-only- value)", value: m[0] });
  return [...found.values()];
}

/** An env file's secret values: secret-named variables, and passwords inside *_URL values. */
export function envFileSecrets(text: string, file: string): PublishedSecret[] {
  return text.split("\n").flatMap((line) => {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m || !m[2]) return [];
    const [, name, value] = m as unknown as [string, string, string];
    if (SECRET_NAME.test(name) && name !== DEMO_OPT_IN) return [{ file, name, value }];
    const password = name.endsWith("_URL") ? urlPassword(value) : undefined;
    return password ? [{ file, name, value: password }] : [];
  });
}

/** Every secret value SECRET_FILES publish. */
export function publishedSecrets(): PublishedSecret[] {
  return SECRET_FILES.flatMap((file) => {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    return file.endsWith(".yml") ? composeSecrets(text, file) : envFileSecrets(text, file);
  });
}
