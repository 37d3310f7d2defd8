// The 404 page: any unknown URL, and pages that call notFound() (an unknown post or person).
// Rendered inside the root layout, so a signed-in reader keeps the header. A server component:
// Next sends the root not-found with every route, so it stays free of client code.
import type { Metadata } from "next";
import Link from "next/link";
import { LogoMark } from "./components/icons";
import { NOT_FOUND_TITLE } from "./lib/page-titles";
import "./components/social.css";

export const metadata: Metadata = { title: NOT_FOUND_TITLE };

export default function NotFound() {
  return (
    <main className="page page--not-found">
      <section className="not-found" data-testid="not-found">
        <LogoMark size={56} />
        <p className="not-found__code">404</p>
        <h1 className="not-found__title">This page doesn&apos;t exist</h1>
        <p className="not-found__text">The link may be broken, or the photo or person it pointed to is gone.</p>
        <Link href="/" className="button button--primary" data-testid="not-found-home">
          Back to the feed
        </Link>
      </section>
    </main>
  );
}
