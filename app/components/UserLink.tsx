// A person as a link to their profile: avatar, name and @username. The avatar is decorative (the
// name is right there), so the link's accessible name is "Name @username".
import Link from "next/link";
import { profilePath } from "@/shared/routes";
import type { UserSummary } from "@/shared/api";
import { Avatar } from "./Avatar";
import "./social.css";

type Props = { user: UserSummary; avatarSize?: number; className?: string; testId?: string };

export function UserLink({ user, avatarSize = 36, className, testId }: Props) {
  return (
    <Link
      href={profilePath(user.username)}
      className={className ? `user-link ${className}` : "user-link"}
      data-testid={testId}
    >
      <Avatar user={user} size={avatarSize} />
      <span className="user-link__names">
        <span className="user-link__name">{user.name}</span>
        <span className="user-link__username">@{user.username}</span>
      </span>
    </Link>
  );
}
