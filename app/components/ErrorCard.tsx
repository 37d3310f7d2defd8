"use client";
// The card app/error.tsx and app/global-error.tsx show: the 404's look, what went wrong, the
// reference the server logged, and two ways on. A client component: reset() renders again.
import Link from "next/link";
import { LogoMark } from "./icons";
import { ERROR_TITLE } from "@/app/lib/page-titles";

export function ErrorCard({ text, digest, reset }: { text: string; digest?: string; reset: () => void }) {
  return (
    <main className="page page--not-found">
      {/* Client components cannot export metadata; React 19 hoists a <title> into the head. */}
      <title>{`${ERROR_TITLE} · Likes`}</title>
      <section className="not-found" data-testid="error-page">
        <LogoMark size={56} />
        <h1 className="not-found__title">{ERROR_TITLE}</h1>
        <p className="not-found__text">{text}</p>
        {/* The digest is what the server logged with the error: worth quoting in a bug report. */}
        {digest && <p className="not-found__digest">Reference: {digest}</p>}
        <div className="not-found__actions">
          <button type="button" className="button button--primary" onClick={reset}>
            Try again
          </button>
          <Link href="/" className="button button--secondary">
            Back to the feed
          </Link>
        </div>
      </section>
    </main>
  );
}
