// The list of who likes a post, as the likers dialog holds it: pages loaded so far, newest like
// first, plus the cursor for the next page. Pure functions, so the merge rules can be tested alone.
//
// A live change (someone liked or unliked) re-reads the first page. That page is the truth for the
// span it covers: likers in that span missing from it have unliked, new ones appear on top. Rows
// older than it (loaded with "Load more") are kept; an unlike down there shows on the next open.
import type { Liker, LikerPage } from "@/shared/api";
import { appendUnique } from "./append-unique";

export type LikerList = { items: Liker[]; nextCursor: string | null };

/** Newest first, the server's order: likedAt descending, then user id descending. */
function isOlder(a: Liker, b: Liker): boolean {
  if (a.likedAt !== b.likedAt) return a.likedAt < b.likedAt; // ISO strings of one format sort as dates
  return a.user.id < b.user.id;
}

/** "Load more": the next page goes below; anyone already listed is not listed twice. */
export function appendPage(list: LikerList, page: LikerPage): LikerList {
  return { items: appendUnique(list.items, page.items, (l) => l.user.id), nextCursor: page.nextCursor };
}

/** A fresh first page merged into what is listed (see the top of this file). */
export function mergeFirstPage(list: LikerList, fresh: LikerPage): LikerList {
  // The fresh page is the whole list: nothing else exists.
  if (fresh.nextCursor === null) return { items: fresh.items, nextCursor: null };
  const boundary = fresh.items.at(-1);
  const inFresh = new Set(fresh.items.map((l) => l.user.id));
  const older = boundary ? list.items.filter((l) => isOlder(l, boundary) && !inFresh.has(l.user.id)) : [];
  // The held cursor points past the oldest row held; if none of those rows is left, the fresh
  // page's cursor is the one that continues right after what is shown.
  return { items: [...fresh.items, ...older], nextCursor: older.length > 0 ? list.nextCursor : fresh.nextCursor };
}
