// Where posted photos live: one directory (UPLOADS_DIR), written by the app and served by nginx at
// /uploads/<name> (nginx/templates/likes.conf.template). In compose it is the `uploads` volume.
//
// Names are the SHA-256 of the content, so a name never points at different bytes: nginx can tell
// browsers to cache them forever (immutable), and the same photo posted twice is stored once.
// A file appears only whole: it is written under a temporary name, flushed to disk, then renamed,
// and rename is atomic within a directory. Nobody ever reads half a photo.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { env } from "./env";

export const UPLOADS_URL_PREFIX = "/uploads/";
/** What nginx and the dev fallback route accept as a name: exactly what storeUpload makes. */
export const UPLOAD_NAME = /^[0-9a-f]{64}\.jpg$/;

export function uploadsDir(): string {
  return path.resolve(env().UPLOADS_DIR);
}

export type StoredUpload = {
  url: string;
  /** Undoes the store when the post that needed it was not written (a no-op if the file was already there). */
  discard(): Promise<void>;
};

export async function storeUpload(jpeg: Buffer): Promise<StoredUpload> {
  const dir = uploadsDir();
  await mkdir(dir, { recursive: true });
  const name = `${createHash("sha256").update(jpeg).digest("hex")}.jpg`;
  const finalPath = path.join(dir, name);
  const url = `${UPLOADS_URL_PREFIX}${name}`;

  const existed = await stat(finalPath).then(
    () => true,
    () => false,
  );
  if (existed) return { url, discard: async () => undefined };

  // A dot-name: nginx's location only matches UPLOAD_NAME, so a temporary file is never served.
  const tempPath = path.join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
  const file = await open(tempPath, "wx", 0o644);
  try {
    await file.writeFile(jpeg);
    await file.sync(); // on disk before it has its real name, so a crash cannot leave it empty
  } catch (error) {
    await file.close();
    await rm(tempPath, { force: true });
    throw error;
  }
  await file.close();
  await rename(tempPath, finalPath);
  return { url, discard: () => rm(finalPath, { force: true }) };
}
