// The root layout. Signed in, every page gets the header, the realtime connection and the toasts;
// they live here, not in the pages, so moving between the feed and the inbox keeps one socket open.
import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import type { ReactNode } from "react";
import { listInbox } from "@/server/inbox";
import { getSessionUser } from "@/server/session";
import { AppHeader } from "./components/header/AppHeader";
import { RealtimeProvider } from "./components/realtime/RealtimeProvider";
import { Toaster } from "./components/realtime/Toaster";
import "./globals.css";

// Inter from the installed npm package: next/font/google would fetch from Google at build time.
const inter = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  weight: "100 900",
  display: "swap",
  variable: "--font-inter",
});

export const metadata: Metadata = {
  title: { default: "Likes", template: "%s · Likes" },
  description: "Share photos; a heart reaches its owner in milliseconds.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0f1115" },
  ],
};

/** Items already delivered to this user: the realtime client will not toast them again. */
const SEEN_WINDOW = 50;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  const inbox = user ? await listInbox(user.id, { limit: SEEN_WINDOW, cursor: null }) : null;

  return (
    <html lang="en" className={inter.variable}>
      <body>
        {user && inbox ? (
          // Keyed by user: a different account never inherits the previous one's state.
          <RealtimeProvider
            key={user.id}
            initial={{
              unreadCount: inbox.unreadCount,
              unseenCount: inbox.unseenCount,
              items: inbox.items.map(({ id, createdAt }) => ({ id, createdAt })),
            }}
          >
            <AppHeader user={user} />
            {children}
            <Toaster />
          </RealtimeProvider>
        ) : (
          children
        )}
      </body>
    </html>
  );
}
