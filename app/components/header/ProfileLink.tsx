"use client";
// The signed-in user's chip in the header, linking to their own profile.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { profilePath } from "@/shared/routes";
import type { UserSummary } from "@/shared/api";
import { Avatar } from "../Avatar";

export function ProfileLink({ user }: { user: UserSummary }) {
  const href = profilePath(user.username);
  return (
    <Link
      href={href}
      className="current-user"
      data-testid="profile-link"
      title="Your profile"
      aria-current={usePathname() === href ? "page" : undefined}
    >
      <Avatar user={user} size={28} />
      <span className="visually-hidden">Your profile: </span>
      <span data-testid="current-user" className="current-user__name">
        {user.username}
      </span>
    </Link>
  );
}
