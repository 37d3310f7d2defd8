// Where the repository is, for tools that start its processes or read its files from any folder.
import path from "node:path";

/** The repository's root: the folder that holds package.json. */
export const ROOT = path.resolve(import.meta.dirname, "..");
