// Posting a photo: the caption's rules, and the order of the steps that makes a post whole or
// absent, never half-written. Kept apart from server/posts.ts so the read paths (the feed, a like)
// never load the image library.
import { invalidRequest } from "./api-errors";
import { db } from "./db";
import { log } from "./log";
import { preparePhoto } from "./photo";
import { postSelect, toPostDto, type PostDto, type PostRow } from "./posts";
import { publishNewPost } from "./push";
import { lockUpload, removeIfUnreferenced, storeUpload, uploadNameOf } from "./uploads";
import { MAX_CAPTION_CHARS } from "../shared/photo-limits";

/** A caption as stored: NFC, trimmed, at most MAX_CAPTION_CHARS; control characters refused. */
export function normalizeCaption(raw: string): string {
  const caption = raw.normalize("NFC").replace(/\r\n?/g, "\n").trim();
  // Newlines and tabs are fine; other control characters only hide things or break displays.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(caption))
    throw invalidRequest("The caption contains control characters.");
  const length = [...caption].length; // code points, as Postgres counts the column's VarChar(2200)
  if (length > MAX_CAPTION_CHARS)
    throw invalidRequest(`The caption is ${length} characters; the most is ${MAX_CAPTION_CHARS}.`);
  return caption;
}

/**
 * Posts a photo: checks and re-encodes it (server/photo.ts), then, in one transaction holding the
 * lock on the file's name (server/uploads.ts), stores the file and writes the row. In that order,
 * so a post never points at a missing file: a deletion or the sweeper removing the same bytes
 * waits for the lock, then sees this post; if the row cannot be written the file is removed again
 * unless another post shows it. A crash in between leaves at most an unreferenced file, which
 * nobody can see and the sweeper removes. Then every open feed hears of it (`post:new`).
 */
export async function createPost(authorId: string, input: { photo: Buffer; caption: string }): Promise<PostDto> {
  const caption = normalizeCaption(input.caption);
  const photo = await preparePhoto(input.photo);
  const name = uploadNameOf(photo.jpeg);
  let row: PostRow;
  try {
    row = await db().$transaction(async (tx) => {
      await lockUpload(tx, name);
      // Under the lock: if a deletion or a sweep removed these bytes a moment ago, they are written again.
      const stored = await storeUpload(photo.jpeg);
      return tx.post.create({ data: { authorId, caption, imageUrl: stored.url }, select: postSelect(authorId) });
    });
  } catch (error) {
    await removeIfUnreferenced(name).catch((removeError: unknown) =>
      // Left to the sweeper, which finds it unreferenced once past its grace period.
      log.warn({ err: removeError, name }, "could not remove the photo of a post not written"),
    );
    throw error;
  }
  const post = toPostDto(row);
  log.info(
    {
      postId: post.id,
      bytesIn: input.photo.length,
      bytesOut: photo.jpeg.length,
      from: photo.sourceType,
      width: photo.width,
      height: photo.height,
    },
    "photo posted",
  );
  publishNewPost({ postId: post.id, author: post.author, createdAt: post.createdAt });
  return post;
}
