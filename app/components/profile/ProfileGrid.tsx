"use client";
// A person's photos as square thumbnails, newest first, each with its like count and a link to the
// photo's page. The first 30 come rendered from the server; "Load more" fetches the next ones.
import Link from "next/link";
import { useState } from "react";
import { appendUnique } from "@/app/lib/append-unique";
import { api, describeApiError, USER_POSTS_PAGE_SIZE } from "@/app/lib/api-client";
import { formatCount } from "@/app/lib/format";
import { postPath } from "@/shared/routes";
import type { Post, PostPage } from "@/shared/api";
import { HeartIcon } from "../icons";
import "../social.css";

export function ProfileGrid({ username, initialPage }: { username: string; initialPage: PostPage }) {
  const [posts, setPosts] = useState<Post[]>(initialPage.items);
  const [cursor, setCursor] = useState<string | null>(initialPage.nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function loadMore() {
    if (!cursor || loading) return;
    setLoading(true);
    setError(null);
    try {
      const page = await api.listUserPosts(username, { cursor, limit: USER_POSTS_PAGE_SIZE });
      setPosts((current) => appendUnique(current, page.items, (p) => p.id));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(describeApiError(e));
    } finally {
      setLoading(false);
    }
  }

  if (posts.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-state__title">No photos yet</p>
      </div>
    );
  }

  return (
    <section aria-label="Photos">
      <ul className="profile-grid">
        {posts.map((post) => (
          <li key={post.id}>
            <Link
              href={postPath(post.id)}
              className="profile-grid__tile"
              data-testid="profile-post"
              data-post-id={post.id}
              data-count={post.likeCount}
            >
              {/* The link's name is its content, "<caption> 3 likes": an aria-label would hide the
                  visible count from it, and voice control users say what they see. */}
              {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs, nothing to optimise */}
              <img src={post.imageUrl} alt={post.caption} width={360} height={360} loading="lazy" decoding="async" />
              <span className="profile-grid__likes">
                <HeartIcon filled size={16} />
                {formatCount(post.likeCount)}
                <span className="visually-hidden">{post.likeCount === 1 ? " like" : " likes"}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {cursor && (
        <div className="feed__end">
          {error && (
            <p className="inline-error" role="status">
              {error}
            </p>
          )}
          <button
            type="button"
            className="button button--secondary"
            data-testid="profile-more"
            onClick={() => void loadMore()}
            disabled={loading}
          >
            {loading ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </section>
  );
}
