// The top bar on every signed-in page: logo, live status, the journey panel's button, posting a
// photo, the bell, who is signed in (a link to their profile), sign out, sign out everywhere; and
// under it, the banner when offline.
import Link from "next/link";
import type { UserSummary } from "@/shared/api";
import { LogoMark } from "../icons";
import { JourneyControl } from "../journey/JourneyPanel";
import { ConnectionBanner } from "../realtime/ConnectionBanner";
import { RealtimeStatus } from "../realtime/RealtimeStatus";
import { NewPostLink } from "./NewPostLink";
import { NotificationBell } from "./NotificationBell";
import { ProfileLink } from "./ProfileLink";
import { SignOutButton } from "./SignOutButton";
import { SignOutEverywhereButton } from "./SignOutEverywhereButton";

export function AppHeader({ user }: { user: UserSummary }) {
  return (
    <>
      <header className="app-header">
        <div className="app-header__inner">
          <Link href="/" className="brand" aria-label="Likes, home">
            <LogoMark />
            <span className="brand__name">Likes</span>
          </Link>
          <nav className="app-header__actions" aria-label="Account">
            <RealtimeStatus />
            <JourneyControl viewer={user.username} />
            <NewPostLink />
            <NotificationBell />
            <ProfileLink user={user} />
            <SignOutButton />
            <SignOutEverywhereButton />
          </nav>
        </div>
      </header>
      <ConnectionBanner />
    </>
  );
}
