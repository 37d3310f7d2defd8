"use client";
// The error page: a page threw while rendering (the database went away mid-request, say). Next
// renders it inside the root layout, so a signed-in reader keeps the header and can go elsewhere.
import { ErrorCard } from "./components/ErrorCard";
import "./components/social.css";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorCard
      text="Likes couldn't show this page just now. Try again in a moment; if it keeps happening, go back to the feed."
      digest={error.digest}
      reset={reset}
    />
  );
}
