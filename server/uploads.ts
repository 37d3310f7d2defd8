// Where posted photos live: one directory (UPLOADS_DIR), written by the app and served by nginx at
// /uploads/<name> (nginx/templates/likes.conf.template). In compose it is the `uploads` volume.
//
// Names are the SHA-256 of the content, so a name never points at different bytes: nginx can tell
// browsers to cache them forever (immutable), and the same photo posted twice is stored once.
// A file appears only whole: it is written under a temporary name, flushed to disk, then renamed,
// and rename is atomic within a directory. Nobody ever reads half a photo.
//
// A file goes when no post shows it any more: after a post is deleted, after a post that was not
// written, and by the sweeper (orphans of a crash between the file and the row, stale temporary
// files). Since one file can serve several posts, "no post shows it" is checked and the file
// removed under a transaction-scoped advisory lock on its name, which posting holds too from
// writing the file to committing its row: a post of the same bytes never ends up pointing at a
// file removed under it (docs/decisions/030-deleting-posts-and-sweeping-uploads.md).
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { db, type Db } from "./db";
import { env } from "./env";
import { log } from "./log";

export const UPLOADS_URL_PREFIX = "/uploads/";
/** What nginx and the dev fallback route accept as a name: exactly what storeUpload makes. */
export const UPLOAD_NAME = /^[0-9a-f]{64}\.jpg$/;

export function uploadsDir(): string {
  return path.resolve(env().UPLOADS_DIR);
}

export type StoredUpload = {
  url: string;
  /** The file's name in UPLOADS_DIR (UPLOAD_NAME). */
  name: string;
  /** Whether this call wrote it (false: the same bytes were already there). */
  created: boolean;
};

export const uploadNameOf = (jpeg: Buffer) => `${createHash("sha256").update(jpeg).digest("hex")}.jpg`;

/**
 * Stores a photo under its content's name, unless that file is already there. Call it while
 * holding lockUpload() on that name, in the transaction that writes the row which refers to it.
 */
export async function storeUpload(jpeg: Buffer): Promise<StoredUpload> {
  const dir = uploadsDir();
  await mkdir(dir, { recursive: true });
  const name = uploadNameOf(jpeg);
  const finalPath = path.join(dir, name);
  const url = `${UPLOADS_URL_PREFIX}${name}`;

  const existed = await stat(finalPath).then(
    () => true,
    () => false,
  );
  if (existed) return { url, name, created: false };

  // A dot-name: nginx's location only matches UPLOAD_NAME, so a temporary file is never served.
  const tempPath = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
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
  return { url, name, created: true };
}

/** What storeUpload names a file while it is being written; the sweeper removes stale ones. */
export const TEMP_PREFIX = ".tmp-";

/** The stored file a post's imageUrl names, or null (the seed's pictures, anything not stored here). */
export function uploadNameFromUrl(imageUrl: string): string | null {
  if (!imageUrl.startsWith(UPLOADS_URL_PREFIX)) return null;
  const name = imageUrl.slice(UPLOADS_URL_PREFIX.length);
  return UPLOAD_NAME.test(name) ? name : null;
}

type Statements = Pick<Db, "$executeRaw">;

/**
 * The lock on one file's name, held until the transaction ends. Posting holds it from "is the file
 * there, else write it" to the commit of its row; removal holds it from "does any post show it" to
 * the file's removal. So one of the two always sees the other's work.
 */
export async function lockUpload(tx: Statements, name: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`upload:${name}`}, 0))`;
}

/**
 * Removes a stored file if no post shows it (a post deleted, or one that was not written), and
 * says which it found: "removed", "shown" (some post shows it: kept) or "absent". Safe at any time: under the file's lock, a post being
 * written with the same bytes either committed (the file stays) or has not yet looked for the
 * file (it writes it again).
 */
export async function removeIfUnreferenced(name: string): Promise<"removed" | "shown" | "absent"> {
  if (!UPLOAD_NAME.test(name)) return "absent"; // never a path of someone else's choosing
  const url = `${UPLOADS_URL_PREFIX}${name}`;
  return db().$transaction(async (tx) => {
    await lockUpload(tx, name);
    const shown = await tx.post.findFirst({ where: { imageUrl: url }, select: { id: true } });
    if (shown) return "shown";
    const filePath = path.join(uploadsDir(), name);
    const there = await stat(filePath).then(
      () => true,
      () => false,
    );
    if (!there) return "absent";
    await rm(filePath, { force: true });
    return "removed";
  });
}

export type SweepResult = {
  /** Stored files no post shows, older than the grace period: removed. */
  orphansRemoved: number;
  /** Temporary files older than the grace period (a write cut short by a crash): removed. */
  temporariesRemoved: number;
  /** Stored files some post shows. */
  referenced: number;
  /** Files younger than the grace period, left for a later pass. */
  tooYoung: number;
};

/**
 * One pass of the uploads sweeper: removes stored files that no post shows and temporary files,
 * both only once older than `graceMs` (by modification time), so a file being written, or one
 * written a moment before its row, is never touched. Other names in the directory are left alone.
 */
export async function sweepUploads({ graceMs, now = Date.now() }: { graceMs: number; now?: number }) {
  const dir = uploadsDir();
  const result: SweepResult = { orphansRemoved: 0, temporariesRemoved: 0, referenced: 0, tooYoung: 0 };
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[]; // nothing posted yet
    throw error;
  });
  const oldEnough: string[] = [];
  for (const name of names) {
    const isTemp = name.startsWith(TEMP_PREFIX);
    if (!isTemp && !UPLOAD_NAME.test(name)) continue;
    const modified = await stat(path.join(dir, name)).then(
      (s) => s.mtimeMs,
      () => null, // gone meanwhile (renamed into place, or removed by another pass)
    );
    if (modified === null) continue;
    if (now - modified < graceMs) {
      result.tooYoung++;
    } else if (isTemp) {
      await rm(path.join(dir, name), { force: true });
      result.temporariesRemoved++;
    } else {
      oldEnough.push(name);
    }
  }
  // Which of them some post shows, a few hundred names per statement (Post.imageUrl is indexed).
  for (let i = 0; i < oldEnough.length; i += 500) {
    const batch = oldEnough.slice(i, i + 500);
    const shown = await db().post.findMany({
      where: { imageUrl: { in: batch.map((name) => `${UPLOADS_URL_PREFIX}${name}`) } },
      select: { imageUrl: true },
      distinct: ["imageUrl"],
    });
    const shownNames = new Set(shown.map((p) => p.imageUrl.slice(UPLOADS_URL_PREFIX.length)));
    for (const name of batch) {
      if (shownNames.has(name)) {
        result.referenced++;
        continue;
      }
      // Asked again under the file's lock: a post of the same bytes may be committing right now.
      const outcome = await removeIfUnreferenced(name);
      if (outcome === "removed") result.orphansRemoved++;
      if (outcome === "shown") result.referenced++;
    }
  }
  if (result.orphansRemoved || result.temporariesRemoved) log.info({ ...result, dir }, "uploads swept");
  return result;
}
