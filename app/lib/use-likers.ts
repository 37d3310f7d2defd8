"use client";
// Who likes a post, for the likers dialog: the first page, "Load more", and refresh() for live
// changes. Refreshes are coalesced like the notification catch-up (lib/coalesced.ts): one request
// at a time, and any asked for while one runs become exactly one more, so an older answer never
// lands last.
import { useCallback, useMemo, useState } from "react";
import { api, describeApiError } from "./api-client";
import { coalesced } from "./coalesced";
import { appendPage, mergeFirstPage, type LikerList } from "./likers-list";

export const LIKERS_PAGE_SIZE = 20;

export type Likers = {
  /** null until the first page arrives. */
  list: LikerList | null;
  error: string | null;
  loadingMore: boolean;
  /** Re-reads the first page and merges it in; also loads it the first time. Stable. */
  refresh: () => void;
  loadMore: () => void;
};

export function useLikers(postId: string): Likers {
  const [list, setList] = useState<LikerList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const readFirstPage = useMemo(
    () =>
      coalesced(async () => {
        const fresh = await api.listLikers(postId, { limit: LIKERS_PAGE_SIZE });
        setList((current) => (current ? mergeFirstPage(current, fresh) : fresh));
        setError(null);
      }),
    [postId],
  );
  const refresh = useCallback(() => {
    readFirstPage().catch((e: unknown) => setError(describeApiError(e)));
  }, [readFirstPage]);

  const cursor = list?.nextCursor ?? null;
  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    setError(null);
    api
      .listLikers(postId, { cursor, limit: LIKERS_PAGE_SIZE })
      .then((page) => setList((current) => (current ? appendPage(current, page) : page)))
      .catch((e: unknown) => setError(describeApiError(e)))
      .finally(() => setLoadingMore(false));
  }, [postId, cursor, loadingMore]);

  return { list, error, loadingMore, refresh, loadMore };
}
