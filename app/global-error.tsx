"use client";
// The last resort: the root layout itself failed (it reads the session and the inbox), so there is
// no header and no layout around this page; it brings its own <html>.
import { ErrorCard } from "./components/ErrorCard";
import "./globals.css";
import "./components/social.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <ErrorCard text="Likes couldn't load. Try again in a moment." digest={error.digest} reset={reset} />
      </body>
    </html>
  );
}
