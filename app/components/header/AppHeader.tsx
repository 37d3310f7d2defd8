// The top bar on every signed-in page: logo, live status, the bell, who is signed in, sign out.
import Link from "next/link";
import type { UserSummary } from "@/types/api";
import { Avatar } from "../Avatar";
import { LogoMark } from "../icons";
import { RealtimeStatus } from "../realtime/RealtimeStatus";
import { NotificationBell } from "./NotificationBell";
import { SignOutButton } from "./SignOutButton";

export function AppHeader({ user }: { user: UserSummary }) {
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link href="/" className="brand" aria-label="Likes, home">
          <LogoMark />
          <span className="brand__name">Likes</span>
        </Link>
        <nav className="app-header__actions" aria-label="Account">
          <RealtimeStatus />
          <NotificationBell />
          <span className="current-user" title={user.name}>
            <Avatar user={user} size={28} />
            <span data-testid="current-user" className="current-user__name">
              {user.username}
            </span>
          </span>
          <SignOutButton />
        </nav>
      </div>
    </header>
  );
}
