"use client";
// The feed: the first page comes rendered from the server, later pages load as the reader nears the
// end (IntersectionObserver on a sentinel), with a "Load more" button for when that cannot fire.
// Photos posted meanwhile wait behind a "new posts" pill (app/lib/new-posts.ts): pressing it puts
// them on top and scrolls there, so the page never jumps under the reader on its own. A photo its
// author deletes (here, or anywhere: post:deleted) leaves the feed and the pill.
import { useCallback, useEffect, useRef, useState } from "react";
import { appendUnique } from "@/app/lib/append-unique";
import { api, describeApiError } from "@/app/lib/api-client";
import { addPending, describeAuthors } from "@/app/lib/new-posts";
import type { NewPostEvent, Post, PostPage } from "@/shared/api";
import { ArrowUpIcon } from "../icons";
import { useDeletedPosts, useNewPosts } from "../realtime/RealtimeProvider";
import { PostCard } from "./PostCard";

const PAGE_SIZE = 10;

export function Feed({ initialPage, viewerId }: { initialPage: PostPage; viewerId: string }) {
  const [posts, setPosts] = useState<Post[]>(initialPage.items);
  const [cursor, setCursor] = useState<string | null>(initialPage.nextCursor);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const loadingRef = useRef(false); // guards against the observer and the button firing together
  const sentinelRef = useRef<HTMLDivElement>(null);
  const [pending, setPending] = useState<NewPostEvent[]>([]);
  const [showingNew, setShowingNew] = useState(false);
  const [newError, setNewError] = useState<string | null>(null);
  // What is on screen, for the socket listener (which must not re-subscribe on every page load).
  const shownIds = useRef(new Set(initialPage.items.map((p) => p.id)));
  useEffect(() => {
    shownIds.current = new Set(posts.map((p) => p.id));
  }, [posts]);

  useNewPosts(
    useCallback(
      (event: NewPostEvent) => setPending((current) => addPending(current, event, (id) => shownIds.current.has(id))),
      [],
    ),
  );

  const removePost = useCallback((postId: string) => {
    setPosts((current) => (current.some((p) => p.id === postId) ? current.filter((p) => p.id !== postId) : current));
    setPending((current) =>
      current.some((p) => p.postId === postId) ? current.filter((p) => p.postId !== postId) : current,
    );
  }, []);
  useDeletedPosts(removePost);

  /** Reads the newest page and puts what is new on top; if none of it overlaps, it replaces the list. */
  const showNewPosts = async () => {
    setShowingNew(true);
    setNewError(null);
    try {
      const page = await api.listPosts(null, PAGE_SIZE);
      const known = shownIds.current;
      if (page.items.some((p) => known.has(p.id))) {
        setPosts((current) => [...page.items.filter((p) => !known.has(p.id)), ...current]);
      } else {
        setPosts(page.items); // more new posts than a page: start over from the newest
        setCursor(page.nextCursor);
      }
      setPending([]);
      window.scrollTo({
        top: 0,
        behavior: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth",
      });
    } catch (error) {
      setNewError(describeApiError(error));
    } finally {
      setShowingNew(false);
    }
  };

  const pill =
    pending.length > 0 ? (
      <div className="new-posts" role="status">
        <button
          type="button"
          className="new-posts__pill"
          data-testid="new-posts-pill"
          onClick={() => void showNewPosts()}
          disabled={showingNew}
        >
          <ArrowUpIcon />
          {pending.length === 1 ? "1 new post" : `${pending.length} new posts`}
          <span className="new-posts__from"> from {describeAuthors(pending)}</span>
        </button>
        {newError && <p className="inline-error">{newError}</p>}
      </div>
    ) : null;

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
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadMore();
      },
      { rootMargin: "800px 0px" },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [cursor, loadError, loadMore]);

  if (posts.length === 0) {
    return (
      <>
        {pill}
        <div className="empty-state">
          <p className="empty-state__title">No photos yet</p>
          <p>When people post, their photos show up here.</p>
        </div>
      </>
    );
  }

  return (
    <div className="feed">
      {pill}
      {posts.map((post, index) => (
        <PostCard key={post.id} post={post} eager={index < 2} viewerId={viewerId} onDeleted={removePost} />
      ))}
      <div ref={sentinelRef} className="feed__end">
        {cursor ? (
          <>
            {loadError && (
              <p className="inline-error" role="status">
                {loadError}
              </p>
            )}
            <button
              type="button"
              className="button button--secondary"
              data-testid="load-more"
              onClick={() => void loadMore()}
              disabled={loading}
            >
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
