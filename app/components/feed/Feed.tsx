"use client";
// The feed: the first page comes rendered from the server, later pages load as the reader nears the
// end (IntersectionObserver on a sentinel), with a "Load more" button for when that cannot fire.
import { useCallback, useEffect, useRef, useState } from "react";
import { appendUnique } from "@/app/lib/append-unique";
import { api, describeApiError } from "@/app/lib/api-client";
import type { Post, PostPage } from "@/types/api";
import { PostCard } from "./PostCard";

const PAGE_SIZE = 10;

export function Feed({ initialPage }: { initialPage: PostPage }) {
  const [posts, setPosts] = useState<Post[]>(initialPage.items);
  const [cursor, setCursor] = useState<string | null>(initialPage.nextCursor);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const loadingRef = useRef(false); // guards against the observer and the button firing together
  const sentinelRef = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    if (!cursor || loadingRef.current) return;
    loadingRef.current = true;
    setLoading(true);
    setLoadError(null);
    try {
      const page = await api.listPosts(cursor, PAGE_SIZE);
      setPosts((current) => appendUnique(current, page.items, (p) => p.id));
      setCursor(page.nextCursor);
    } catch (error) {
      setLoadError(describeApiError(error));
    } finally {
      loadingRef.current = false;
      setLoading(false);
    }
  }, [cursor]);

  useEffect(() => {
    const sentinel = sentinelRef.current;
    // After a failure, wait for the reader to press the button rather than retrying in a loop.
    if (!sentinel || !cursor || loadError || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore();
    }, { rootMargin: "800px 0px" });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [cursor, loadError, loadMore]);

  if (posts.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-state__title">No photos yet</p>
        <p>When people post, their photos show up here.</p>
      </div>
    );
  }

  return (
    <div className="feed">
      {posts.map((post, index) => (
        <PostCard key={post.id} post={post} eager={index < 2} />
      ))}
      <div ref={sentinelRef} className="feed__end">
        {cursor ? (
          <>
            {loadError && (
              <p className="inline-error" role="status">
                {loadError}
              </p>
            )}
            <button type="button" className="button button--secondary" data-testid="load-more" onClick={() => void loadMore()} disabled={loading}>
              {loading ? "Loading…" : "Load more"}
            </button>
          </>
        ) : (
          <p className="feed__done">You&apos;re all caught up.</p>
        )}
      </div>
    </div>
  );
}
